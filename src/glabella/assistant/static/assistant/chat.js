// The chat's glue, kept out of the page so that the Content-Security-Policy allows no
// inline script. After an answer arrives: show the new exchange from its start; after the
// question form's answer also empty the form, put the cursor back and follow its language.
(function () {
  "use strict";

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!event.detail.successful || !form.matches("form[data-chat-answer]")) return;
    var conversation = document.getElementById("conversation");
    if (form.matches(".ask-form")) {
      form.reset();
      form.querySelector("textarea").focus();
      document.documentElement.lang = form.querySelector("[name=lang]").value;
    }
    if (conversation.lastElementChild) {
      conversation.lastElementChild.scrollIntoView({ block: "start" });
    }
  });
})();
