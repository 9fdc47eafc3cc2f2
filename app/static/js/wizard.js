// Shows and hides conditional questions as a person answers.
//
// The server applies the same rules (scoring/visibility.py) when the page is
// sent, so the wizard also works without this script. A comparison with a
// question that is unanswered, hidden, "not applicable" or "don't know" is
// false; on a multiple choice question, "equals" means "is selected".
(function () {
  "use strict";
  var form = document.getElementById("wizard-form");
  if (!form) {
    return;
  }
  var outside = JSON.parse(document.getElementById("outside-answers").textContent);
  var blocks = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
  var SPECIALS = ["not_applicable", "dont_know"];
  var readOnly = form.dataset.readOnly === "true";

  function parseNumber(text) {
    var compact = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (!/^[-+]?(\d+(\.\d+)?|\.\d+)$/.test(compact)) {
      return null;
    }
    return parseFloat(compact);
  }

  function specialTicked(block) {
    var boxes = block.querySelectorAll("input[name^='special-']:checked");
    return boxes.length > 0;
  }

  function valueOf(block) {
    var id = block.dataset.question;
    var type = block.dataset.type;
    if (specialTicked(block)) {
      return null;
    }
    if (type === "multiple_choice") {
      var ticked = block.querySelectorAll("input[name='" + id + "']:checked");
      var values = Array.prototype.map.call(ticked, function (input) {
        return input.value;
      });
      return values.length ? values : null;
    }
    if (type === "single_choice" || type === "yes_no" || type === "scale") {
      var chosen = block.querySelector("input[name='" + id + "']:checked");
      if (!chosen || SPECIALS.indexOf(chosen.value) >= 0) {
        return null;
      }
      if (type === "yes_no") {
        return chosen.value === "yes";
      }
      return type === "scale" ? parseInt(chosen.value, 10) : chosen.value;
    }
    var input = block.querySelector("[name='" + id + "']");
    var text = input ? input.value.trim() : "";
    if (!text) {
      return null;
    }
    if (type === "integer" || type === "decimal") {
      return parseNumber(text);
    }
    return text;
  }

  function same(value, operand) {
    if (typeof value === "number" || typeof operand === "number") {
      return Number(value) === Number(operand);
    }
    return value === operand;
  }

  function compare(condition, value) {
    if (value === null || value === undefined) {
      return false;
    }
    if (condition.equals !== undefined) {
      return Array.isArray(value)
        ? value.indexOf(condition.equals) >= 0
        : same(value, condition.equals);
    }
    if (condition.one_of !== undefined) {
      return condition.one_of.some(function (item) {
        return Array.isArray(value) ? value.indexOf(item) >= 0 : same(value, item);
      });
    }
    if (typeof value !== "number") {
      value = parseNumber(value);
      if (value === null) {
        return false;
      }
    }
    if (condition.gt !== undefined) return value > Number(condition.gt);
    if (condition.ge !== undefined) return value >= Number(condition.ge);
    if (condition.lt !== undefined) return value < Number(condition.lt);
    if (condition.le !== undefined) return value <= Number(condition.le);
    return false;
  }

  function holds(condition, values) {
    if (condition.all) {
      return condition.all.every(function (part) { return holds(part, values); });
    }
    if (condition.any) {
      return condition.any.some(function (part) { return holds(part, values); });
    }
    if (condition.not) {
      return !holds(condition.not, values);
    }
    return compare(condition, values[condition.question]);
  }

  function refresh() {
    var values = Object.assign({}, outside);
    var shown = [];
    blocks.forEach(function (block) {
      var raw = block.dataset.condition;
      var visible = !raw || holds(JSON.parse(raw), values);
      block.hidden = !visible;
      block.disabled = readOnly || !visible;
      if (visible) {
        shown.push(block.dataset.question);
        values[block.dataset.question] = valueOf(block);
        toggleAnswerInputs(block);
      }
    });
    form.elements.shown.value = shown.join(" ");
  }

  // A ticked "not applicable" or "don't know" box replaces the answer, so the
  // answer field is disabled until the box is unticked.
  function toggleAnswerInputs(block) {
    if (readOnly) {
      return;
    }
    var ticked = specialTicked(block);
    var inputs = block.querySelectorAll("[name='" + block.dataset.question + "']");
    Array.prototype.forEach.call(inputs, function (input) {
      input.disabled = ticked;
    });
  }

  // Warn before leaving a page whose changes were not sent.
  var changed = false;
  form.addEventListener("input", function () {
    changed = true;
  });
  form.addEventListener("submit", function () {
    changed = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (changed) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
