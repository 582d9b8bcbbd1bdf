{% autoescape off %}(function () {
  var me = document.currentScript;
  var slug = me && me.getAttribute("data-clinic");
  if (!slug) { return; }
  var frame = document.createElement("iframe");
  frame.src = "{{ site|escapejs }}/c/" + encodeURIComponent(slug) + "/book";
  frame.title = "Book a visit";
  frame.style.cssText = "width:100%;max-width:480px;height:760px;border:1px solid #d9dee7;border-radius:8px";
  me.parentNode.insertBefore(frame, me.nextSibling);
})();
{% endautoescape %}
