// Keyboard shortcuts of the workspace lists (the only script besides Blazor's own).
// Any table with data-keys="list" gets: j/k move the selection, o or Enter opens the row,
// x toggles the row's checkbox, ? opens the page's shortcut help, and single keys bound with
// data-key="e" on a button or link (with data-selection: on the ticked rows, else the selected one).
(function () {
  function typing(e) {
    var t = e.target;
    // A ticked checkbox keeps the focus; keys still act then (only text entry swallows them).
    if (t && t.tagName === 'INPUT' && /^(checkbox|radio|button|submit|reset)$/.test(t.type)) return false;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  function rows() { var t = document.querySelector('table[data-keys=list]'); return t ? Array.prototype.slice.call(t.querySelectorAll('tbody tr')) : []; }
  function current(list) { for (var i = 0; i < list.length; i++) if (list[i].classList.contains('selected')) return i; return -1; }
  function select(list, i) {
    list.forEach(function (r) { r.classList.remove('selected'); });
    if (list[i]) { list[i].classList.add('selected'); list[i].scrollIntoView({ block: 'nearest' }); }
  }
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var list = rows(), i = current(list);
    if (e.key === 'j' || e.key === 'k') {
      select(list, Math.max(0, Math.min(list.length - 1, i + (e.key === 'j' ? 1 : -1))));
      e.preventDefault(); return;
    }
    if ((e.key === 'o' || e.key === 'Enter') && i >= 0) {
      var link = list[i].querySelector('a[data-open]') || list[i].querySelector('a');
      if (link) { link.click(); e.preventDefault(); }
      return;
    }
    if (e.key === 'x' && i >= 0) {
      var box = list[i].querySelector('input[type=checkbox]');
      if (box) { box.checked = !box.checked; e.preventDefault(); }
      return;
    }
    if (e.key === '/') {
      var search = document.querySelector('.searchbox input');
      if (search) { search.focus(); e.preventDefault(); }
      return;
    }
    if (e.key === '?') {
      // The page's shortcut help (a <details data-shortcut-help>): open or close it.
      var help = document.querySelector('[data-shortcut-help]');
      if (help) { help.open = !help.open; if (help.open) help.scrollIntoView({ block: 'nearest' }); e.preventDefault(); }
      return;
    }
    var bound = document.querySelector('[data-key="' + e.key + '"]');
    if (bound) {
      // A selection action (data-selection) acts on the ticked rows; with none ticked, on the selected row.
      if (i >= 0 && bound.hasAttribute('data-selection') && !list.some(function (r) { var b = r.querySelector('input[type=checkbox]'); return b && b.checked; })) {
        var own = list[i].querySelector('input[type=checkbox]');
        if (own) own.checked = true;
      }
      // A row action acts on the selected row when the list has one.
      if (i >= 0 && bound.hasAttribute('data-row-action')) {
        var target = list[i].querySelector('[data-action="' + bound.getAttribute('data-row-action') + '"]');
        if (target) { target.click(); e.preventDefault(); return; }
      }
      if (bound.tagName === 'A' || bound.tagName === 'BUTTON') { bound.click(); } else { bound.focus(); }
      e.preventDefault();
    }
  });
})();
