// Draws the observatory charts from the JSON the page embeds (no data is fetched but the map outlines).
// Loaded with `defer` after plotly (templates/includes/plotly_script.html): it runs once plotly is there;
// the year and comparison tables give the same figures meanwhile, or without it.
(function () {
  "use strict";
  if (typeof Plotly === "undefined") {
    return;
  }
  const config = {responsive: true, displaylogo: false, locale: document.documentElement.lang};
  const charts = JSON.parse(document.getElementById("observatory-charts").textContent);
  for (const [name, figure] of Object.entries(charts)) {
    const element = document.getElementById("chart-" + name);
    if (element && figure.data.length) {
      Plotly.newPlot(element, figure.data, figure.layout, config);
    }
  }
  function centre(geojson) {
    let west = 180, east = -180, south = 90, north = -90;
    const visit = (coordinates) => {
      if (typeof coordinates[0] === "number") {
        west = Math.min(west, coordinates[0]); east = Math.max(east, coordinates[0]);
        south = Math.min(south, coordinates[1]); north = Math.max(north, coordinates[1]);
      } else {
        coordinates.forEach(visit);
      }
    };
    geojson.features.forEach((feature) => visit(feature.geometry.coordinates));
    return {lon: (west + east) / 2, lat: (south + north) / 2};
  }

  const mapData = document.getElementById("observatory-map");
  const mapElement = document.getElementById("chart-map");
  if (mapData && mapElement) {
    const map = JSON.parse(mapData.textContent);
    fetch(map.geojson_url)
      .then((response) => response.json())
      .then((geojson) => {
        map.data[0].geojson = geojson;
        map.layout.map.center = centre(geojson);
        Plotly.newPlot(mapElement, map.data, map.layout, config);
      });
  }
})();
