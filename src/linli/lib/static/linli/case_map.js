// The case map: grid boundaries and open-case pins from our own GeoJSON, on a blank
// background, so it works on an intranet without a tile server.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("case-map");
  if (!box || !window.L) return;
  var map = L.map(box, { attributionControl: false });
  fetch(box.dataset.source, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        style: function () { return { color: "#8e1414", weight: 2, fillOpacity: 0.05 }; },
        pointToLayer: function (feature, latlng) {
          var p = feature.properties;
          var hot = p.risk || p.mark === "red";
          return L.circleMarker(latlng, {
            radius: 9, weight: 2, color: hot ? "#b71c1c" : (p.mark === "yellow" ? "#8a5a00" : "#1565c0"),
            fillOpacity: 0.8,
          });
        },
        onEachFeature: function (feature, item) {
          var p = feature.properties;
          if (p.kind === "case") {
            var a = document.createElement("a");
            a.href = p.url;
            a.textContent = "#" + p.id + " " + p.title + " · " + p.state;
            item.bindPopup(a);
          } else {
            item.bindTooltip(p.name);
          }
        },
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds); else map.setView([30.25, 120.15], 12);
      if (!data.features.some(function (f) { return f.properties.kind === "case"; })) {
        var note = document.createElement("p");
        note.className = "hint";
        note.textContent = box.dataset.empty;
        box.after(note);
      }
    });
});
