// Shared by Shears' pages (report.html, dashboard.html): the JSON embedded in the page (#shears-data), and
// drawing a chart so that a browser can check it without reading pixels: each chart element gets
// data-points="N" (points drawn) once drawn.
var shears = (function () {
  'use strict';
  // results.json writes NaN as the string "NaN"
  function num(v) {
    var n = typeof v === 'number' ? v : Number(v);
    return v === null || v === undefined || !isFinite(n) ? null : n;
  }

  function draw(id, option, points) {
    var el = document.getElementById(id);
    if (!el) {
      return;
    }
    var chart = echarts.getInstanceByDom(el) || echarts.init(el);
    chart.setOption(option, true);
    el.setAttribute('data-points', String(points));
    window.addEventListener('resize', function () { chart.resize(); });
  }

  return {
    data: JSON.parse(document.getElementById('shears-data').textContent),
    // ECharts renders tooltips as HTML: every value shown there goes through this
    enc: echarts.format.encodeHTML,
    num: num,
    draw: draw
  };
})();
