// The audit's output formats: a text table, CSV with a header row, JSON (one document), and one
// self-contained HTML page (a sortable, filterable table, no external resources) for a review.
import type { AuditEntry } from './audit';
import { table } from './drift';

export const AUDIT_FORMATS = ['table', 'csv', 'json', 'html'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

const COLUMNS = ['vendor', 'object_kind', 'object_id', 'object_name', 'email', 'level', 'via', 'managed'] as const;

function row(entry: AuditEntry): string[] {
  return [entry.vendor, entry.object.kind, entry.object.id, entry.object.name, entry.person.email, entry.level, entry.via.join(' > '), String(entry.managed)];
}

export function formatAudit(entries: AuditEntry[], format: AuditFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(entries, null, 2)}\n`;
    case 'csv':
      return [COLUMNS as readonly string[], ...entries.map(row)].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
    case 'html':
      return html(entries);
    case 'table':
      if (entries.length === 0) return 'No access found.\n';
      return table(
        ['VENDOR', 'OBJECT', 'PERSON', 'LEVEL', 'VIA', 'MANAGED'],
        entries.map((entry) => [entry.vendor, `${entry.object.kind}:${entry.object.id} (${entry.object.name})`, entry.person.email, entry.level, entry.via.join(' > '), entry.managed ? 'yes' : 'no']),
      );
  }
}

/** RFC 4180: quoted when it holds a comma, quote or line break; a leading =, +, - or @ is quoted too, so a spreadsheet never runs it. */
function csvCell(value: string): string {
  const guarded = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) || guarded !== value ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!);
}

function html(entries: AuditEntry[]): string {
  const headers = ['Vendor', 'Kind', 'Object id', 'Object', 'Person', 'Level', 'Via', 'Managed'];
  const body = entries.map((entry) => `<tr>${row(entry).map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bi-access audit</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; }
input { font: inherit; padding: .3em; width: 24em; margin-bottom: .8em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
th { background: #f0f0f0; cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
tr:nth-child(even) td { background: #fafafa; }
</style>
</head>
<body>
<h1>Who can access what</h1>
<p>${entries.length} access paths, one per way a person gets access. Click a column to sort; type to filter.</p>
<input id="filter" type="search" placeholder="Filter (all words must match)" aria-label="Filter">
<table id="audit">
<thead><tr>${headers.map((header) => `<th>${header}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody>
</table>
<script>
(function () {
  var table = document.getElementById('audit');
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  document.getElementById('filter').addEventListener('input', function (event) {
    var words = event.target.value.toLowerCase().split(/\\s+/).filter(Boolean);
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      row.hidden = !words.every(function (word) { return text.indexOf(word) >= 0; });
    });
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
    header.addEventListener('click', function () {
      var ascending = header.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute('aria-sort'); });
      header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      rows.sort(function (a, b) {
        var order = a.cells[column].textContent.localeCompare(b.cells[column].textContent, undefined, { numeric: true });
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
</script>
</body>
</html>
`;
}
