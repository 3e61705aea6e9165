// Draws report.html's charts from the page's data (page.js).
(function () {
  'use strict';
  var data = shears.data;
  var enc = shears.enc;
  var num = shears.num;
  var draw = shears.draw;
  var rows = data.rows;
  var acc = data.split.accuracy;
  var filters = {};

  function isBase(r) { return r.candidate === data.base; }
  function ok(r) { return r.status === 'OK'; }
  function shown(r) {
    return isBase(r) || data.filters.every(function (c) { return !filters[c] || String(r[c]) === filters[c]; });
  }

  // hover: the candidate, its settings and its figures, every value escaped
  function describe(r) {
    var lines = ['<b>' + enc(r.candidate) + '</b>'];
    data.settings.concat(data.figures).forEach(function (c) {
      if (r[c] !== null && r[c] !== undefined) {
        lines.push(enc(c) + ': ' + enc(String(r[c])));
      }
    });
    return lines.join('<br>');
  }
  function tooltip(p) { return p.data && p.data.row ? describe(p.data.row) : enc(p.seriesName); }

  function point(r, x, y) { return {value: [x, y], row: r}; }

  // validation and test accuracy against one figure, with the base marked and the front (candidate ids) drawn
  function accuracyAgainst(id, column, label, log, front, frontName) {
    var picked = rows.filter(function (r) { return ok(r) && shown(r) && num(r[column]) !== null; });
    var series = [];
    var points = 0;
    [['validation accuracy', 'val_accuracy', 'circle'], ['test accuracy', 'accuracy', 'triangle']].forEach(function (s) {
      var pts = picked.filter(function (r) { return !isBase(r) && num(r[s[1]]) !== null; })
          .map(function (r) { return point(r, num(r[column]), num(r[s[1]])); });
      points += pts.length;
      series.push({name: s[0], type: 'scatter', symbol: s[2], symbolSize: 9, data: pts});
    });
    var base = picked.filter(isBase).map(function (r) { return point(r, num(r[column]), num(r[acc])); });
    points += base.length;
    series.push({name: 'base (' + data.split.label + ')', type: 'scatter', symbol: 'diamond', symbolSize: 16,
      itemStyle: {color: '#000'}, data: base});
    if (front) {
      var onFront = picked.filter(function (r) { return front.indexOf(r.candidate) >= 0 && num(r[acc]) !== null; })
          .sort(function (a, b) { return num(a[column]) - num(b[column]); })
          .map(function (r) { return point(r, num(r[column]), num(r[acc])); });
      points += onFront.length;
      series.push({name: frontName + ' (' + data.split.label + ')', type: 'line', step: false, symbol: 'emptyCircle',
        lineStyle: {color: '#4a7'}, itemStyle: {color: '#4a7'}, data: onFront});
    }
    draw(id, {
      tooltip: {trigger: 'item', formatter: tooltip},
      legend: {top: 0},
      grid: {left: 70, right: 30, top: 40, bottom: 60},
      xAxis: {type: log ? 'log' : 'value', name: label, nameLocation: 'middle', nameGap: 35, scale: true},
      yAxis: {type: 'value', name: 'accuracy', scale: true},
      series: series
    }, points);
  }

  function drawPoints() {
    accuracyAgainst('chart-accuracy', 'compression', 'compression (base parameters / non-zero parameters)', true,
      data.pareto, 'Pareto front');
    accuracyAgainst('chart-latency', 'latency_b64_ms', 'latency at batch 64 (ms, on the base model\'s scale)', false,
      data.paretoLatency, 'latency front');
    accuracyAgainst('chart-flops', 'flops', 'multiply-adds per example (non-zero weights)', true, null);
  }

  data.filters.forEach(function (c) {
    var select = document.getElementById('filter-' + c);
    var values = [];
    rows.forEach(function (r) {
      if (!isBase(r) && r[c] !== null && r[c] !== undefined && values.indexOf(String(r[c])) < 0) {
        values.push(String(r[c]));
      }
    });
    values.sort().forEach(function (v) { select.add(new Option(v, v)); });
    select.addEventListener('change', function () {
      filters[c] = select.value;
      drawPoints();
    });
  });
  drawPoints();

  // per-layer sparsity of the Pareto front's and the kept candidates
  (function () {
    var chosen = rows.filter(function (r) {
      return !isBase(r) && r.layer_sparsity && (data.pareto.indexOf(r.candidate) >= 0 || data.kept.indexOf(r.candidate) >= 0);
    });
    var layers = [];
    chosen.forEach(function (r) {
      Object.keys(r.layer_sparsity).forEach(function (l) { if (layers.indexOf(l) < 0) { layers.push(l); } });
    });
    var points = 0;
    var series = chosen.map(function (r) {
      var values = layers.map(function (l) { return {value: num(r.layer_sparsity[l]), row: r}; });
      points += values.length;
      return {name: r.candidate, type: 'bar', data: values};
    });
    draw('chart-layers', {
      tooltip: {trigger: 'item', formatter: function (p) { return enc(p.name) + ': ' + enc(String(p.value)) + '<br>' + tooltip(p); }},
      legend: {top: 0, type: 'scroll'},
      grid: {left: 70, right: 30, top: 40, bottom: 60},
      xAxis: {type: 'category', data: layers, name: 'layer', nameLocation: 'middle', nameGap: 35},
      yAxis: {type: 'value', name: 'share of zero weights', min: 0, max: 1},
      series: series
    }, points);
  })();

  if (data.sensitivity) {
    var byLayer = {};
    data.sensitivity.forEach(function (s) { (byLayer[s.layer] = byLayer[s.layer] || []).push([num(s.ratio), num(s.drop)]); });
    var scanned = 0;
    draw('chart-sensitivity', {
      tooltip: {trigger: 'item', formatter: function (p) {
        return enc(p.seriesName) + ': ratio ' + enc(String(p.value[0])) + ', drop ' + enc(String(p.value[1]));
      }},
      legend: {top: 0},
      grid: {left: 70, right: 30, top: 40, bottom: 60},
      xAxis: {type: 'value', name: 'ratio pruned from the layer alone', nameLocation: 'middle', nameGap: 35},
      yAxis: {type: 'value', name: 'accuracy drop', scale: true},
      series: Object.keys(byLayer).map(function (l) {
        scanned += byLayer[l].length;
        return {name: l, type: 'line', data: byLayer[l]};
      })
    }, scanned);
  }
  if (data.allocation) {
    draw('chart-allocation', {
      tooltip: {trigger: 'item'},
      grid: {left: 70, right: 30, top: 20, bottom: 60},
      xAxis: {type: 'category', data: data.allocation.map(function (a) { return a.layer; }), name: 'layer',
        nameLocation: 'middle', nameGap: 35},
      yAxis: {type: 'value', name: 'allocated ratio', min: 0, max: 1},
      series: [{name: 'allocated ratio', type: 'bar', data: data.allocation.map(function (a) { return num(a.ratio); })}]
    }, data.allocation.length);
  }

  // rungs: each trial at the epochs behind its model, a promoted trial joined to the parent it continued
  if (document.getElementById('chart-rungs')) {
    var trials = rows.filter(function (r) { return !isBase(r) && ok(r) && num(r[acc]) !== null; });
    var byId = {};
    trials.forEach(function (r) { byId[r.candidate] = r; });
    var series = [{name: data.split.label + ' accuracy', type: 'scatter', symbolSize: 9,
      data: trials.map(function (r) { return point(r, num(r.epochs), num(r[acc])); })}];
    trials.filter(function (r) { return r.parent && byId[r.parent]; }).forEach(function (r) {
      var p = byId[r.parent];
      series.push({name: 'promotions', type: 'line', symbol: 'none', lineStyle: {color: '#999', type: 'dashed'},
        data: [point(p, num(p.epochs), num(p[acc])), point(r, num(r.epochs), num(r[acc]))]});
    });
    draw('chart-rungs', {
      tooltip: {trigger: 'item', formatter: tooltip},
      legend: {top: 0},
      grid: {left: 70, right: 30, top: 40, bottom: 60},
      xAxis: {type: 'value', name: 'fine-tuning epochs behind the model', nameLocation: 'middle', nameGap: 35,
        minInterval: 1},
      yAxis: {type: 'value', name: 'accuracy', scale: true},
      series: series
    }, trials.length);
  }
})();
