/* 报名区县: once a city is chosen, show only that city's counties.
   Without JavaScript the county list stays grouped by city (<optgroup>) and the
   server checks that the two agree. */
(function () {
  "use strict";
  var city = document.getElementById("id_city");
  var county = document.getElementById("id_county");
  if (!city || !county) { return; }
  var placeholder = county.querySelector("option[value='']");
  var groups = Array.prototype.map.call(county.querySelectorAll("optgroup"), function (group) {
    return group.cloneNode(true);
  });
  function cityName() {
    var option = city.options[city.selectedIndex];
    return option && option.value ? option.text : "";
  }
  function filter() {
    var chosen = county.value;
    var name = cityName();
    county.innerHTML = "";
    if (placeholder) { county.appendChild(placeholder.cloneNode(true)); }
    groups.forEach(function (group) {
      if (!name || group.label === name) { county.appendChild(group.cloneNode(true)); }
    });
    county.value = chosen;
    if (county.value !== chosen) { county.value = ""; }
  }
  city.addEventListener("change", filter);
  // Choosing a county first sets its city.
  county.addEventListener("change", function () {
    var option = county.options[county.selectedIndex];
    var group = option && option.parentNode;
    if (!group || group.tagName !== "OPTGROUP") { return; }
    Array.prototype.forEach.call(city.options, function (cityOption) {
      if (cityOption.text === group.label && city.value !== cityOption.value) {
        city.value = cityOption.value;
        filter();
      }
    });
  });
  filter();
})();
