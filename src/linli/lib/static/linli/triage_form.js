// Triage form: only the chosen category's sub-categories can be picked. When the category
// changes, a sub-category of another category is cleared (the service would refuse it),
// and the others are greyed out. The select carries {sub-category code: category code}.
(function () {
  "use strict";

  function tie(form) {
    var category = form.querySelector("select[name=category]");
    var sub = form.querySelector("select[name=subcategory][data-category-of]");
    if (!category || !sub) return;
    var of = JSON.parse(sub.getAttribute("data-category-of"));

    function follow() {
      Array.prototype.forEach.call(sub.options, function (option) {
        option.disabled = option.value !== "" && of[option.value] !== category.value;
      });
      if (sub.value && of[sub.value] !== category.value) sub.value = "";
    }

    category.addEventListener("change", follow);
    follow();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form"), tie);
  });
})();
