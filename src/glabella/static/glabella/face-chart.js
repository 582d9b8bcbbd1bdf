// Glue for the treatment record's face chart (no library of its own; htmx does the sending).
// A tap on the chart becomes the tapped point in the chart's own percent coordinates (its
// viewBox is 0 0 100 100) and submits the tap form; the unit buttons fill its units field.
(function () {
  "use strict";

  function chartPoint(svg, event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  function showChosenUnits(form) {
    var units = form.elements.units.value;
    form.querySelectorAll("[data-units-preset]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.unitsPreset === units));
    });
  }

  function placeSite(svg, event) {
    var form = document.getElementById(svg.dataset.tapForm);
    if (!form) return;
    var point = chartPoint(svg, event);
    form.elements.x.value = point.x.toFixed(2);
    form.elements.y.value = point.y.toFixed(2);
    form.elements.region.value = "";
    form.requestSubmit();
  }

  document.addEventListener("click", function (event) {
    var preset = event.target.closest("[data-units-preset]");
    if (preset && preset.form) {
      preset.form.elements.units.value = preset.dataset.unitsPreset;
      showChosenUnits(preset.form);
      return;
    }
    var svg = event.target.closest("svg[data-tap-form]");
    // A tap on a charted site selects it (its link does that), it does not add another.
    if (svg && !event.target.closest("a")) placeSite(svg, event);
  });

  document.addEventListener("input", function (event) {
    if (event.target.name === "units" && event.target.form && event.target.form.id === "tap-form") {
      showChosenUnits(event.target.form);
    }
  });
})();
