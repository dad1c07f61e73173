"""The review page's inline style and script (:mod:`.html`): kept apart from the rendering.

The script filters by code (rows, findings, the lines pointing to a finding listed under
another row, and the blocks outside the plan table), keeps a
finding's "accepted" box in step wherever the finding is listed, and writes the accepted
findings as the TOML that ``--accept`` reads (``acceptedToml()``; the download button saves
it as ``accepted.toml``).  Strings are written with ``JSON.stringify``, whose escapes are
TOML's too.
"""

STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:0 1rem;color:#222}
h1{font-size:1.3rem;margin:.6rem 0 .2rem}
h2{font-size:1.05rem;display:inline}
.about{color:#555;margin:.2rem 0 .6rem}
table{border-collapse:collapse;width:100%}
#summary{width:auto;margin-bottom:.5rem}
#summary td:last-child{color:#444;max-width:50rem}
th,td{border:1px solid #ccc;padding:.35rem;vertical-align:top;text-align:left}
thead th{position:sticky;top:0;background:#f4f4f4;z-index:1}
#plan td.cell{width:calc((100% - 3rem)/var(--langs))}
#plan td.n{width:2rem;color:#666}
tbody.part td.cell{background:#eef2f8}
tbody.part .heading{font-weight:600}
tbody.section td.cell{background:#f6f8fb}
td.sev-error{background:#fde2e1 !important;border-left:4px solid #c62828}
td.sev-warning{background:#fff4d6 !important;border-left:4px solid #e0a000}
td.sev-info{background:#e3f0fd !important;border-left:4px solid #1e6fd9}
.num{font-weight:700}
.where{float:right;color:#666;font-size:.8em;margin-left:.4rem;white-space:nowrap}
mark{background:#ffeb3b;padding:0 .1em;border-radius:.15em}
dl{margin:.3rem 0;display:grid;grid-template-columns:max-content 1fr;gap:.1rem .5rem}
dt{color:#666}
dd{margin:0}
.list{margin-top:.25rem}
.list-name{color:#666}
ol{margin:.1rem 0 .1rem 1.4rem;padding:0}
tr.notes td{border-top:none;background:#fcfcfc}
ul.findings{list-style:none;margin:0;padding:0}
li.finding,li.see{margin:.15rem 0;font-size:.92em}
li.see .message{color:#555}
li.finding.accepted{opacity:.55}
li.finding .explain{color:#555;font-size:.9em;margin-left:1rem}
li.finding .langs{color:#444}
li.finding .where{float:none}
label.accept{margin-left:.6rem;font-size:.85em;color:#333;cursor:pointer}
details.evidence{margin-left:1rem}
details.evidence summary{cursor:pointer;color:#1e6fd9}
.badge{display:inline-block;padding:0 .35rem;border-radius:.3rem;color:#fff;font-size:.8em}
.badge.error{background:#c62828}.badge.warning{background:#b07d00}.badge.info{background:#1e6fd9}
#filters button,#accepting button{margin:.15rem;padding:.2rem .5rem;border:1px solid #999;border-radius:.3rem;
  background:#fff;cursor:pointer}
#filters button.active{background:#222;color:#fff}
#accepting{margin:.2rem 0 .6rem;color:#555;font-size:.9em}
.missing{color:#999;font-style:italic}
.hidden{display:none !important}
@page{margin:1cm}
@media print{
  body{font-size:9pt;margin:0}
  #filters,#accepting,label.accept,details.evidence,li.finding .explain{display:none}
  thead th{position:static}
  th,td{padding:.15rem .25rem}
  .where{float:none}
  tbody.row{break-inside:avoid}
  #summary td:last-child{font-size:8pt}
}
"""

SCRIPT = """
function show(code) {
  document.querySelectorAll('#filters button').forEach(function (b) { b.classList.toggle('active', b.dataset.code === code); });
  document.querySelectorAll('#plan tbody.row').forEach(function (row) {
    var codes = (row.dataset.codes || '').split(' ');
    row.classList.toggle('hidden', code !== '' && codes.indexOf(code) < 0);
  });
  document.querySelectorAll('li.finding, li.see').forEach(function (li) {
    li.classList.toggle('hidden', code !== '' && li.dataset.code !== code);
  });
  var general = document.getElementById('general');
  if (general) {
    general.classList.toggle('hidden', !general.querySelector('li.finding:not(.hidden)'));
  }
  var unparsed = document.getElementById('unparsed');
  if (unparsed) { unparsed.classList.toggle('hidden', code !== ''); }
}
document.querySelectorAll('#filters button').forEach(function (button) {
  button.addEventListener('click', function () { show(button.dataset.code); });
});
function key(li) { return [li.dataset.code, li.dataset.refs, li.dataset.message].join('\\u0000'); }
document.querySelectorAll('li.finding input[type=checkbox]').forEach(function (box) {
  box.addEventListener('change', function () {
    var k = key(box.closest('li'));
    document.querySelectorAll('li.finding').forEach(function (li) {
      if (key(li) === k) {
        li.querySelector('input[type=checkbox]').checked = box.checked;
        li.classList.toggle('accepted', box.checked);
      }
    });
  });
});
function acceptedToml() {
  var seen = {}, out = ['# Findings accepted in review.html: polyplan extract ... --accept accepted.toml'];
  document.querySelectorAll('li.finding').forEach(function (li) {
    var k = key(li);
    if (!li.querySelector('input[type=checkbox]').checked || seen[k]) { return; }
    seen[k] = true;
    var refs = li.dataset.refs ? li.dataset.refs.split(' ') : [];
    out.push('', '[[accept]]', 'code = ' + JSON.stringify(li.dataset.code),
             'refs = [' + refs.map(function (r) { return JSON.stringify(r); }).join(', ') + ']',
             'message = ' + JSON.stringify(li.dataset.message));
  });
  return out.join('\\n') + '\\n';
}
document.getElementById('download').addEventListener('click', function () {
  var link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([acceptedToml()], {type: 'application/toml'}));
  link.download = 'accepted.toml';
  document.body.appendChild(link);
  link.click();
  link.remove();
});
"""
