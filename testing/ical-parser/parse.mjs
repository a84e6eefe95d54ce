// Reads an iCalendar text on stdin with ical.js and prints one JSON line: each event's UID, SEQUENCE, start and end
// (as UTC instants), summary, URL and status, and the calendar's METHOD; {"ok": false, "error": ...} when it can't.
import ICAL from 'ical.js';

let text = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) text += chunk;
try {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      uid: e.uid,
      sequence: e.sequence,
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      summary: e.summary,
      description: e.description,
      url: v.getFirstPropertyValue('url'),
      status: v.getFirstPropertyValue('status'),
    };
  });
  console.log(JSON.stringify({ ok: true, method: calendar.getFirstPropertyValue('method'),
    version: calendar.getFirstPropertyValue('version'), events }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: String(e && e.message || e) }));
  process.exitCode = 1;
}
