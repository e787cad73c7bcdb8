// The gallery editor: drag photos between "pinned" and "others" (or within pinned) to set the order, keys on a
// focused photo (Alt+Up / Alt+Down move, p pins or unpins), and copy buttons for every snippet. Without
// JavaScript every button posts its form, and the snippets can be selected by hand.
(function () {
  "use strict";

  // --- copy buttons: navigator.clipboard, else a selected textarea and execCommand ---
  var status = document.getElementById("copy-status");
  var words = document.getElementById("copy-words");
  function announce(text) {
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);  // read again on a second copy
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.copy"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("data-copy")).textContent;
      var done = function () { announce(words.getAttribute("data-done")); };
      var failed = function () {
        if (fallback(text)) done(); else announce(words.getAttribute("data-failed"));
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
  });

  // --- the photo board ---
  var orderForm = document.getElementById("order-form");
  var pinnedList = document.getElementById("board-pinned");
  if (!orderForm || !pinnedList) return;

  function submitOrder(focusId) {
    Array.prototype.forEach.call(pinnedList.querySelectorAll(".board-card"), function (card) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "order";
      input.value = card.getAttribute("data-entry");
      orderForm.appendChild(input);
    });
    var entry = document.createElement("input");
    entry.type = "hidden";
    entry.name = "entry";
    entry.value = focusId;
    orderForm.appendChild(entry);
    orderForm.submit();
  }

  var dragged = null;
  Array.prototype.forEach.call(document.querySelectorAll(".board-card"), function (card) {
    card.draggable = true;
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-entry"));
    });
    card.addEventListener("dragend", function () { card.classList.remove("dragging"); });
    card.addEventListener("keydown", function (event) {
      if (event.target !== card) return;  // a focused button keeps its own keys
      var key = null;
      if (event.altKey && event.key === "ArrowUp") key = "up";
      else if (event.altKey && event.key === "ArrowDown") key = "down";
      else if (!event.altKey && !event.ctrlKey && !event.metaKey && event.key === "p") key = "pin";
      if (!key) return;
      var button = card.querySelector('button[data-key="' + key + '"]');
      if (button && !button.disabled) {
        event.preventDefault();
        button.click();
      }
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".board-list"), function (list) {
    list.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      list.classList.add("drop-here");
    });
    list.addEventListener("dragleave", function () { list.classList.remove("drop-here"); });
    list.addEventListener("drop", function (event) {
      if (!dragged) return;
      event.preventDefault();
      list.classList.remove("drop-here");
      var target = event.target.closest && event.target.closest(".board-card");
      var empty = list.querySelector(".board-empty");
      if (empty) empty.remove();
      if (target && target !== dragged && target.parentNode === list) {
        var box = target.getBoundingClientRect();
        var after = event.clientX > box.left + box.width / 2;
        list.insertBefore(dragged, after ? target.nextSibling : target);
      } else if (!target) {
        list.appendChild(dragged);
      }
      var id = dragged.getAttribute("data-entry");
      dragged = null;
      submitOrder(id);
    });
  });

  // back from a step: focus the photo that moved, so the keyboard carries on where it was
  if (location.hash.indexOf("#photo-") === 0) {
    var moved = document.getElementById(location.hash.slice(1));
    if (moved) moved.focus();
  }
})();
