{% autoescape off %}(function () {
  var me = document.currentScript;
  var slug = me && me.getAttribute("data-clinic");
  var frame = document.createElement("iframe");
  frame.src = "{{ site|escapejs }}" + (slug ? "/c/" + encodeURIComponent(slug) + "/ask" : "/ask");
  frame.title = "Ask the clinic";
  frame.style.cssText = "width:100%;max-width:480px;height:640px;border:1px solid #d9dee7;border-radius:8px";
  me.parentNode.insertBefore(frame, me.nextSibling);
})();
{% endautoescape %}
