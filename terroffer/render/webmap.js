/* terroffer web map: compact polygon layers drawn on one canvas each, and popups filled
 * from look-up tables. Part of terroffer (MIT licence); needs Leaflet 1.9.
 *
 * Why not one Leaflet polygon per zone: a plan of 100,000 zones would make 100,000
 * Leaflet objects and 2 million LatLng objects, and every zoom would re-project them all
 * (seconds per zoom in a browser without a GPU). Here a layer keeps its vertices in two
 * typed arrays, projected once, and draws on moveend only the features in view, batched by
 * style, skipping vertices closer than a pixel and drawing sub-pixel features as dots: the
 * cost follows what is on screen. benchmarks/bench_map.py --browser measures it.
 */
(function () {
  'use strict';
  var T = (window.terroffer = window.terroffer || {});
  var R2D = 180 / Math.PI;

  // ------------------------------------------------------------------ projection
  // World pixels at zoom 0 of Leaflet's EPSG:3857 (a 256 px square); the Python side
  // only builds maps in that CRS.
  function worldX(lng) {
    return 256 * (0.5 + lng / 360);
  }
  function worldY(lat) {
    var s = Math.sin(lat / R2D);
    return 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI));
  }
  function toLatLng(x, y) {
    var lng = (x / 256 - 0.5) * 360;
    var lat = (2 * Math.atan(Math.exp((0.5 - y / 256) * 2 * Math.PI)) - Math.PI / 2) * R2D;
    return L.latLng(lat, lng);
  }
  T.worldX = worldX;
  T.worldY = worldY;

  // ------------------------------------------------------------------ decoding
  // A stream is Google's polyline encoding (precision 1e5, latitude then longitude), with
  // deltas running through the whole stream, and one separator before every ring but the
  // first: ' ' next ring of the same feature (a hole or another part), ';' next feature.
  // Rings are not closed (the last vertex is not repeated).
  T.decode = function (s) {
    var n = s.length;
    var cap = (n >> 1) + 2;
    var xs = new Float64Array(cap), ys = new Float64Array(cap);
    var ringStart = [0], featRing = [0];
    var lat = 0, lng = 0, v = 0, i = 0;
    while (i < n) {
      var c = s.charCodeAt(i);
      if (c < 63) {
        ringStart.push(v);
        if (c === 59) featRing.push(ringStart.length - 1);
        i++;
        continue;
      }
      var r = 0, sh = 0, b;
      do {
        b = s.charCodeAt(i++) - 63;
        r |= (b & 31) << sh;
        sh += 5;
      } while (b >= 32);
      lat += r & 1 ? ~(r >> 1) : r >> 1;
      r = 0;
      sh = 0;
      do {
        b = s.charCodeAt(i++) - 63;
        r |= (b & 31) << sh;
        sh += 5;
      } while (b >= 32);
      lng += r & 1 ? ~(r >> 1) : r >> 1;
      xs[v] = worldX(lng * 1e-5);
      ys[v] = worldY(lat * 1e-5);
      v++;
    }
    if (n > 0) {
      ringStart.push(v);
      featRing.push(ringStart.length - 1);
    }
    var nf = featRing.length - 1;
    var rs = Int32Array.from(ringStart), fr = Int32Array.from(featRing);
    var box = new Float64Array(4 * nf);
    for (var f = 0; f < nf; f++) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (var k = rs[fr[f]]; k < rs[fr[f + 1]]; k++) {
        if (xs[k] < x0) x0 = xs[k];
        if (xs[k] > x1) x1 = xs[k];
        if (ys[k] < y0) y0 = ys[k];
        if (ys[k] > y1) y1 = ys[k];
      }
      box[4 * f] = x0;
      box[4 * f + 1] = y0;
      box[4 * f + 2] = x1;
      box[4 * f + 3] = y1;
    }
    return { x: xs.subarray(0, v), y: ys.subarray(0, v), ringStart: rs, featRing: fr, box: box, count: nf };
  };

  // The rings of feature f as Leaflet lat/lng arrays (for outlines drawn by Leaflet).
  T.rings = function (d, f) {
    var out = [];
    for (var r = d.featRing[f]; r < d.featRing[f + 1]; r++) {
      var ring = [];
      for (var k = d.ringStart[r]; k < d.ringStart[r + 1]; k++) ring.push(toLatLng(d.x[k], d.y[k]));
      out.push(ring);
    }
    return out;
  };

  // Even-odd test of world point (px, py) against every ring of feature f.
  function inside(d, f, px, py) {
    var c = false;
    for (var r = d.featRing[f]; r < d.featRing[f + 1]; r++) {
      var a = d.ringStart[r], b = d.ringStart[r + 1];
      for (var i = a, j = b - 1; i < b; j = i++) {
        var yi = d.y[i], yj = d.y[j];
        if (yi > py !== yj > py && px < ((d.x[j] - d.x[i]) * (py - yi)) / (yj - yi) + d.x[i]) c = !c;
      }
    }
    return c;
  }

  // Leaflet's dashArray ("6 4" or "6,4") as the canvas's list of lengths.
  function dashes(text) {
    if (!text) return [];
    return String(text).split(/[\s,]+/).filter(Boolean).map(Number);
  }

  // A diagonal hatch in `colour`, as a canvas pattern (SVG patterns need the SVG renderer).
  var patterns = {};
  function hatch(ctx, colour) {
    if (!patterns[colour]) {
      var c = document.createElement('canvas');
      c.width = c.height = 8;
      var g = c.getContext('2d');
      g.strokeStyle = colour;
      g.lineWidth = 1.6;
      g.beginPath();
      g.moveTo(-2, 10);
      g.lineTo(10, -2);
      g.moveTo(-2, 2);
      g.lineTo(2, -2);
      g.moveTo(6, 10);
      g.lineTo(10, 6);
      g.stroke();
      patterns[colour] = c;
    }
    return ctx.createPattern(patterns[colour], 'repeat');
  }

  // ------------------------------------------------------------------ the layer
  // data: {s: stream, k: style index per feature, i: info index per feature,
  //        p: optional icon points [lat*1e5, lng*1e5, icon index, ...]}
  // options: styles (array of Leaflet path options from terroffer.render.style: color,
  //          weight, opacity, fillColor, fillOpacity, dashArray; plus hatch and
  //          outlineZoom), pane, describe(info) -> HTML, tip(info) -> text,
  //          icons (array of image URIs), iconMinZoom
  T.PolygonLayer = L.Layer.extend({
    options: { pane: 'overlayPane', padding: 0.3, styles: [], iconMinZoom: 15, interactive: true },

    initialize: function (data, options) {
      L.setOptions(this, options);
      this._data = T.decode(data.s || '');
      this._style = data.k || [];
      this._info = data.i || [];
      this._points = data.p || [];
      var d = this._data, by = [];
      for (var f = 0; f < d.count; f++) (by[this._style[f]] = by[this._style[f]] || []).push(f);
      this._byStyle = by;
      // Outlines, unless a style sets its own zoom, from the zoom where a typical feature
      // of the style spans 16 px: before that they would only darken the map.
      this._outlineZoom = by.map(function (list) {
        var sizes = list.map(function (g) {
          return Math.max(d.box[4 * g + 2] - d.box[4 * g], d.box[4 * g + 3] - d.box[4 * g + 1]);
        });
        sizes.sort(function (a, b) {
          return a - b;
        });
        var median = sizes.length ? sizes[sizes.length >> 1] : 1;
        return Math.max(0, Math.ceil(Math.log(16 / Math.max(median, 1e-9)) / Math.LN2));
      });
      this._images = (this.options.icons || []).map(function (uri) {
        var img = new Image();
        img.src = uri;
        return img;
      });
    },

    onAdd: function (map) {
      var c = (this._canvas = L.DomUtil.create('canvas', 'leaflet-zoom-animated to-canvas'));
      // The layer's opacity is the canvas's: fills painted opaque, then seen through at
      // once, leave no darker seams where two paths meet.
      if (this.options.opacity != null) c.style.opacity = String(this.options.opacity);
      this.getPane().appendChild(c);
      this._ctx = c.getContext('2d');
      var self = this, pending = null;
      function redraw() {
        if (!pending) pending = L.Util.requestAnimFrame(function () {
          pending = null;
          self._reset();
        });
      }
      this._images.forEach(function (img) {
        if (!img.complete) img.onload = redraw;
      });
      this._reset();
    },

    onRemove: function () {
      L.DomUtil.remove(this._canvas);
      this._canvas = this._ctx = null;
    },

    getEvents: function () {
      var e = { viewreset: this._reset, moveend: this._reset, resize: this._reset };
      if (this._zoomAnimated) e.zoomanim = this._animateZoom;
      return e;
    },

    // Features under a lat/lng, top-most first.
    hits: function (latlng) {
      var d = this._data, px = worldX(latlng.lng), py = worldY(latlng.lat), out = [];
      for (var f = d.count - 1; f >= 0; f--) {
        var b = 4 * f;
        if (px < d.box[b] || px > d.box[b + 2] || py < d.box[b + 1] || py > d.box[b + 3]) continue;
        if (inside(d, f, px, py)) out.push(f);
      }
      return out;
    },

    describe: function (f) {
      return this.options.describe ? this.options.describe(this._info.length ? this._info[f] : f) : '';
    },

    tip: function (f) {
      return this.options.tip ? this.options.tip(this._info.length ? this._info[f] : f) : '';
    },

    outline: function (f) {
      return T.rings(this._data, f);
    },

    getBounds: function () {
      var d = this._data, b = [Infinity, Infinity, -Infinity, -Infinity];
      for (var f = 0; f < d.count; f++) {
        b[0] = Math.min(b[0], d.box[4 * f]);
        b[1] = Math.min(b[1], d.box[4 * f + 1]);
        b[2] = Math.max(b[2], d.box[4 * f + 2]);
        b[3] = Math.max(b[3], d.box[4 * f + 3]);
      }
      return L.latLngBounds(toLatLng(b[0], b[3]), toLatLng(b[2], b[1]));
    },

    _animateZoom: function (e) {
      var scale = this._map.getZoomScale(e.zoom, this._zoom);
      var offset = this._map._latLngBoundsToNewLayerBounds(this._latLngBounds, e.zoom, e.center).min;
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },

    _reset: function () {
      var map = this._map;
      if (!map || !this._canvas) return;
      var p = this.options.padding, size = map.getSize();
      var min = map.containerPointToLayerPoint(size.multiplyBy(-p)).round();
      var bounds = L.bounds(min, min.add(size.multiplyBy(1 + 2 * p)).round());
      var dim = bounds.getSize(), ratio = window.devicePixelRatio || 1;
      this._zoom = map.getZoom();
      this._latLngBounds = L.latLngBounds(map.layerPointToLatLng(bounds.min), map.layerPointToLatLng(bounds.max));
      L.DomUtil.setPosition(this._canvas, bounds.min);
      this._canvas.width = Math.round(dim.x * ratio);
      this._canvas.height = Math.round(dim.y * ratio);
      this._canvas.style.width = dim.x + 'px';
      this._canvas.style.height = dim.y + 'px';
      this._draw(bounds, ratio);
    },

    _draw: function (bounds, ratio) {
      var ctx = this._ctx, d = this._data, map = this._map, styles = this.options.styles;
      var z = map.getZoom(), s = Math.pow(2, z), o = map.getPixelOrigin();
      // layer px = world * s - origin; canvas px = layer px - bounds.min
      var ox = o.x + bounds.min.x, oy = o.y + bounds.min.y;
      var vx0 = ox / s, vy0 = oy / s, vx1 = (ox + bounds.getSize().x) / s, vy1 = (oy + bounds.getSize().y) / s;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, bounds.getSize().x, bounds.getSize().y);
      ctx.lineJoin = 'round';
      for (var si = 0; si < this._byStyle.length; si++) {
        var list = this._byStyle[si], st = styles[si];
        if (!list || !st) continue;
        var outline = st.color && st.weight > 0 && z >= (st.outlineZoom == null ? this._outlineZoom[si] : st.outlineZoom);
        // Building one canvas path costs more than linear time in Chromium (a million
        // vertices take a minute), so the path is filled every few hundred segments.
        var ops = 0;
        ctx.beginPath();
        for (var n = 0; n < list.length; n++) {
          var f = list[n], b = 4 * f;
          if (d.box[b] > vx1 || d.box[b + 2] < vx0 || d.box[b + 1] > vy1 || d.box[b + 3] < vy0) continue;
          var w = (d.box[b + 2] - d.box[b]) * s, h = (d.box[b + 3] - d.box[b + 1]) * s;
          if (w < 1.5 && h < 1.5) {
            // Smaller than a pixel or so: a dot keeps the colour of the area.
            ctx.rect(d.box[b] * s - ox, d.box[b + 1] * s - oy, Math.max(w, 1), Math.max(h, 1));
            ops += 4;
          } else {
            for (var r = d.featRing[f]; r < d.featRing[f + 1]; r++) {
              var a = d.ringStart[r], e = d.ringStart[r + 1];
              var lx = d.x[a] * s - ox, ly = d.y[a] * s - oy;
              ctx.moveTo(lx, ly);
              for (var k = a + 1; k < e; k++) {
                var x = d.x[k] * s - ox, y = d.y[k] * s - oy;
                if (Math.abs(x - lx) + Math.abs(y - ly) < 0.7) continue;
                ctx.lineTo(x, y);
                lx = x;
                ly = y;
                ops++;
              }
              ctx.closePath();
              ops++;
            }
          }
          if (ops >= 1500) {
            this._paint(ctx, st, outline);
            ctx.beginPath();
            ops = 0;
          }
        }
        if (ops) this._paint(ctx, st, outline);
      }
      ctx.globalAlpha = 1;
      this._drawIcons(ctx, s, ox, oy, bounds.getSize());
    },

    // Fill (and hatch, and outline) the current path in style st. Without an outline, a
    // hairline in the fill colour closes the seams between paths filled one after another.
    _paint: function (ctx, st, outline) {
      if (st.fillColor && st.fillOpacity !== 0) {
        ctx.globalAlpha = st.fillOpacity == null ? 1 : st.fillOpacity;
        ctx.fillStyle = st.fillColor;
        ctx.fill('nonzero');
        if (!outline && ctx.globalAlpha === 1) {
          ctx.strokeStyle = st.fillColor;
          ctx.lineWidth = 0.6;
          ctx.stroke();
        }
      }
      if (st.hatch) {
        ctx.globalAlpha = 1;
        ctx.fillStyle = hatch(ctx, st.hatch);
        ctx.fill('nonzero');
      }
      if (outline) {
        ctx.globalAlpha = st.opacity == null ? 1 : st.opacity;
        ctx.strokeStyle = st.color;
        ctx.lineWidth = st.weight || 1;
        ctx.setLineDash(dashes(st.dashArray));
        ctx.stroke();
        ctx.setLineDash([]);
      }
    },

    _drawIcons: function (ctx, s, ox, oy, size) {
      var pts = this._points;
      if (!pts.length || this._map.getZoom() < this.options.iconMinZoom) return;
      var colour = this.options.iconColour, disc = this.options.iconFill;
      for (var i = 0; i + 2 < pts.length; i += 3) {
        var x = worldX(pts[i + 1] * 1e-5) * s - ox, y = worldY(pts[i] * 1e-5) * s - oy;
        if (x < -12 || y < -12 || x > size.x + 12 || y > size.y + 12) continue;
        ctx.beginPath();
        ctx.arc(x, y, 10, 0, 2 * Math.PI);
        ctx.fillStyle = disc;
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = colour;
        ctx.stroke();
        var img = this._images[pts[i + 2]];
        if (img && img.complete && img.naturalWidth) ctx.drawImage(img, x - 7, y - 7, 14, 14);
      }
    }
  });

  T.polygonLayer = function (data, options) {
    return new T.PolygonLayer(data, options);
  };

  // Zones: data.i is each zone's (plan, zone code) key; the popup and tooltip of each key
  // are written once, in tables.popups and tables.tips.
  T.zoneLayer = function (data, tables, options) {
    return T.polygonLayer(
      data,
      L.extend(
        {
          select: true,
          describe: function (k) {
            return tables.popups[k];
          },
          tip: function (k) {
            return tables.tips[k];
          }
        },
        options
      )
    );
  };

  // Reservations: one row [number, kind, label, detail] per feature, where kind, label and
  // detail index short tables (a plan has few distinct labels and details).
  T.reservationLayer = function (data, tables, options) {
    return T.polygonLayer(
      data,
      L.extend(
        {
          describe: function (i) {
            var r = tables.rows[i], label = tables.labels[r[2]];
            if (label === tables.kinds[r[1]]) label = ''; // "School" under "School no. EC-1" says nothing
            var heading = tables.heading.replace('{kind}', tables.kinds[r[1]]).replace('{number}', r[0]);
            return (
              '<h3>' + esc(heading) + '</h3>' + (label ? '<p class="to-sub">' + esc(label) + '</p>' : '') + tables.details[r[3]]
            );
          },
          tip: function (i) {
            var r = tables.rows[i];
            return r[0] + ' — ' + (tables.labels[r[2]] || tables.kinds[r[1]]);
          }
        },
        options
      )
    );
  };

  // ------------------------------------------------------------------ page furniture
  function esc(text) {
    return String(text == null ? '' : text).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  T.escape = esc;

  // Leaflet options from path options (terroffer.render.style) and extra ones: a layer
  // without fill opacity is not filled at all (an invisible fill would still be drawn).
  function path(options, extra) {
    var out = L.extend({}, options, extra);
    if (out.fillOpacity === 0) out.fill = false;
    return out;
  }
  T.pathOptions = path;

  // Commune outlines and names, and the outline of their union (the territory).
  T.communes = function (data, options) {
    var d = T.decode(data.s || ''), group = L.featureGroup();
    if (data.territory) {
      var t = T.decode(data.territory);
      for (var f = 0; f < t.count; f++) {
        L.polygon(T.rings(t, f), path(options.territory, { pane: options.territoryPane, interactive: false })).addTo(group);
      }
    }
    for (var g = 0; g < d.count; g++) {
      L.polygon(T.rings(d, g), path(options.line, { pane: options.pane, interactive: false })).addTo(group);
    }
    (data.labels || []).forEach(function (lab) {
      L.marker([lab[0], lab[1]], {
        pane: options.labelPane,
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: 'to-commune-label', html: '<span dir="auto">' + esc(lab[2]) + '</span>', iconSize: null })
      }).addTo(group);
    });
    return group;
  };

  // The plot being looked up: a thick outline with a white halo, or a ringed dot.
  T.highlight = function (data, options) {
    var group = L.featureGroup(), tip = options.tip;
    // Always labelled: on a touch screen there is no hover.
    var label = { permanent: true, direction: 'top', offset: [0, -6], className: 'to-plot-label' };
    var style = path(options.style, { pane: options.pane });
    var halo = path(options.halo, { pane: options.pane, interactive: false });
    if (data.point) {
      L.circleMarker(data.point, L.extend({}, halo, { radius: 11 })).addTo(group);
      L.circleMarker(data.point, L.extend({}, style, { radius: 11, fillOpacity: 0.25 })).bindTooltip(tip, label).addTo(group);
    } else {
      var d = T.decode(data.s || '');
      for (var f = 0; f < d.count; f++) {
        L.polygon(T.rings(d, f), halo).addTo(group);
        L.polygon(T.rings(d, f), style).bindTooltip(tip, label).addTo(group);
      }
    }
    return group;
  };

  T.legend = function (html, position) {
    var Legend = L.Control.extend({
      onAdd: function (map) {
        var div = L.DomUtil.create('div', 'to-legend leaflet-control');
        div.innerHTML = html;
        // Folded on a small screen (a phone): the map comes first, the legend on a tap.
        var size = map.getSize(), details = div.querySelector('details');
        if (details && (size.x < 640 || size.y < 560)) details.open = false;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    return new Legend({ position: position });
  };

  T.banner = function (map, html) {
    var div = L.DomUtil.create('div', 'to-banner', map.getContainer());
    div.innerHTML = html;
    L.DomEvent.disableClickPropagation(div);
    return div;
  };

  // Clicks open one popup that lists what lies under the finger (reservations first, then
  // the zone) and outlines the zone; the mouse shows a tooltip. Layers switched off in the
  // layer control are skipped.
  T.inspector = function (map, layers, options) {
    var tooltip = L.tooltip({ className: 'to-tip', direction: 'top', offset: [0, -10], opacity: 0.95 });
    var selected = null, pending = null;
    function live() {
      return layers.filter(function (l) {
        return map.hasLayer(l);
      });
    }
    function clearSelection() {
      if (selected) map.removeLayer(selected);
      selected = null;
    }
    map.on('click', function (e) {
      var blocks = [], outline = null;
      live().forEach(function (layer) {
        layer.hits(e.latlng).forEach(function (f) {
          blocks.push(layer.describe(f));
          if (!outline && layer.options.select) outline = layer.outline(f);
        });
      });
      clearSelection();
      if (!blocks.length) return;
      if (outline) {
        selected = L.polygon(outline, path(options.selected, { pane: options.selectPane, interactive: false })).addTo(map);
      }
      var html =
        '<div class="to-popup terroffer-rules" dir="' + options.dir + '" lang="' + options.lang + '">' + blocks.join('<hr>') + (options.footer || '') + '</div>';
      L.popup({ maxWidth: 340, minWidth: 220, autoPanPaddingTopLeft: [24, 64], autoPanPaddingBottomRight: [24, 24] }).setLatLng(e.latlng).setContent(html).openOn(map);
    });
    map.on('popupclose', clearSelection);
    map.on('mousemove', function (e) {
      if (pending) return;
      pending = L.Util.requestAnimFrame(function () {
        pending = null;
        var text = '';
        var ls = live();
        for (var i = 0; i < ls.length && !text; i++) {
          var h = ls[i].hits(e.latlng);
          if (h.length) text = ls[i].tip(h[0]);
        }
        map.getContainer().style.cursor = text ? 'pointer' : '';
        if (text) {
          tooltip.setLatLng(e.latlng).setContent('<span dir="' + options.dir + '">' + esc(text) + '</span>');
          if (!map.hasLayer(tooltip)) tooltip.addTo(map);
        } else if (map.hasLayer(tooltip)) {
          map.removeLayer(tooltip);
        }
      });
    });
    map.on('mouseout', function () {
      if (map.hasLayer(tooltip)) map.removeLayer(tooltip);
    });
  };

  // Zoom, full-screen and scale controls in the corners that suit the reading direction.
  T.controls = function (map, o) {
    var start = o.dir === 'rtl' ? 'right' : 'left', end = o.dir === 'rtl' ? 'left' : 'right';
    L.control.zoom({ position: 'top' + start, zoomInTitle: o.zoomIn, zoomOutTitle: o.zoomOut }).addTo(map);
    if (L.control.fullscreen) {
      L.control.fullscreen({ position: 'top' + start, title: o.fullscreen, titleCancel: o.fullscreenExit, forceSeparateButton: true }).addTo(map);
    }
    var scale = L.control.scale({ position: 'bottom' + start, imperial: false, maxWidth: 160 });
    // Leaflet writes "2 km" in English; the units come from the page's language ("2 كلم")
    scale._updateMetric = function (maxMeters) {
      var meters = this._getRoundNum(maxMeters);
      var label = meters < 1000 ? o.m.replace('{value}', meters) : o.km.replace('{value}', meters / 1000);
      this._updateScale(this._mScale, label, meters / maxMeters);
    };
    scale.addTo(map);
    if (map.attributionControl) map.attributionControl.setPrefix(o.prefix);
    // The layer control's button is titled "Layers" by Leaflet; it is made after this script.
    setTimeout(function () {
      var toggles = map.getContainer().querySelectorAll('.leaflet-control-layers-toggle');
      for (var i = 0; i < toggles.length; i++) {
        toggles[i].title = o.layers;
        toggles[i].setAttribute('aria-label', o.layers);
      }
    }, 0);
  };

  // The panes, bottom to top, between the tiles (200) and Leaflet's overlay pane (400),
  // markers (600), tooltips (650) and popups (700).
  var PANES = [['to-background', 350], ['to-zones', 380], ['to-reservations', 390], ['to-communes', 410],
    ['to-select', 420], ['to-highlight', 430], ['to-labels', 560]];
  T.panes = function (map) {
    PANES.forEach(function (p) {
      if (!map.getPane(p[0])) map.createPane(p[0]).style.zIndex = String(p[1]);
    });
    map.getPane('to-labels').style.pointerEvents = 'none';
  };

  // Leaflet's default marker finds its image through a CSS url; the images are inline.
  T.defaultIcon = function (urls) {
    L.Icon.Default.imagePath = '';
    L.Icon.Default.mergeOptions(urls);
  };
})();
