// Draws the theme chart from the JSON that the server put in the page.
(function () {
  "use strict";
  var data = document.getElementById("theme-chart-data");
  var target = document.getElementById("theme-chart");
  if (!data || !target || !window.Plotly) {
    return;
  }
  var figure = JSON.parse(data.textContent);
  window.Plotly.newPlot(target, figure.data, figure.layout, {
    displaylogo: false,
    responsive: true,
    locale: "fr",
  }).then(function () {
    target.setAttribute("data-rendered", "true");
  });
})();
