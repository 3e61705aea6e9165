// Draws dashboard.html's charts from the page's data (page.js): a point per night, history.csv's figures.
(function () {
  'use strict';
  var enc = shears.enc;
  var num = shears.num;
  var nights = shears.data.nights;
  var days = nights.map(function (n) { return n.night; });

  // hover: the night, the figure, and the night's best candidate, every value escaped
  function tooltip(p) {
    var n = nights[p.dataIndex];
    var lines = ['<b>' + enc(n.night) + '</b>', enc(p.seriesName) + ': ' + enc(String(p.value))];
    if (n.best !== null) {
      lines.push('best: ' + enc(n.best) + ' at ' + enc(String(n.compression)) + 'x, validation accuracy '
          + enc(String(n.val_accuracy)));
    }
    return lines.join('<br>');
  }

  // one line per column over the nights; a night without the figure leaves a gap
  function overNights(id, yAxis, lines) {
    var points = 0;
    var series = lines.map(function (l) {
      var values = nights.map(function (n) { return num(n[l.column]); });
      points += values.filter(function (v) { return v !== null; }).length;
      return Object.assign({name: l.name, type: 'line', symbolSize: 8, data: values}, l.style);
    });
    shears.draw(id, {
      tooltip: {trigger: 'item', formatter: tooltip},
      legend: {top: 0},
      grid: {left: 70, right: 30, top: 40, bottom: 60},
      xAxis: {type: 'category', data: days, name: 'night', nameLocation: 'middle', nameGap: 35},
      yAxis: yAxis,
      series: series
    }, points);
  }

  var accuracy = [
    {name: 'best at the target compression', column: 'val_accuracy_at_target', style: {}},
    {name: 'base model', column: 'base_val_accuracy', style: {itemStyle: {color: '#000'}, symbol: 'diamond'}}
  ];
  if (shears.data.fail_if_worse !== null) {
    accuracy.push({name: 'alert threshold (' + shears.data.fail_if_worse + ' points)', column: 'alert_val_accuracy',
      style: {lineStyle: {color: '#c00', type: 'dashed'}, itemStyle: {color: '#c00'}, symbol: 'triangle'}});
  }
  overNights('chart-night-accuracy', {type: 'value', name: 'validation accuracy', scale: true}, accuracy);
  overNights('chart-night-compression', {type: 'log', name: 'compression (base parameters / non-zero parameters)'},
      [{name: 'best within tolerance', column: 'compression', style: {}}]);
  // bars from zero, so their heights compare
  overNights('chart-night-time', {type: 'value', name: 'seconds'},
      [{name: 'run time', column: 'run_seconds', style: {type: 'bar'}}]);
})();
