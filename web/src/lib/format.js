// Dates and times in a named time zone (the organisation's, or a recipient's for a deadline
// that runs in its own), with the zone shown, in the chosen language. Japanese as ja-JP writes
// it (2026/12/06 21:45 JST); English with the month in letters, day month year, so that no
// reader takes 06/12 for 12 June or 6 December by habit: "6 Dec 2026 21:45 JST (Asia/Tokyo)".
export function formatDateTime(iso, timeZone, lang) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  try {
    let s;
    if (lang === 'ja') {
      s = new Intl.DateTimeFormat('ja-JP', {
        timeZone,
        year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
        timeZoneName: 'short',
      }).format(d);
    } else {
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23',
        year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
        timeZoneName: 'short',
      }).formatToParts(d);
      const v = Object.fromEntries(parts.map((p) => [p.type, p.value]));
      s = `${v.day} ${v.month} ${v.year} ${pad(+v.hour % 24)}:${v.minute} ${v.timeZoneName}`;
    }
    // the zone's name once: "… JST (Asia/Tokyo)", but "… UTC", not "… UTC (UTC)"
    return s.endsWith(` ${timeZone}`) ? s : `${s} (${timeZone})`;
  } catch {
    return d.toISOString();
  }
}

// The offset of timeZone at instant ms, in minutes east of UTC.
function offsetAt(ms, timeZone) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms));
  const v = Object.fromEntries(parts.map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour % 24, +v.minute, +v.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

function pad(n) {
  return String(Math.abs(n)).padStart(2, '0');
}

// "2026-11-21T15:00" read as a wall-clock time in timeZone → RFC 3339 with that zone's offset
// ("2026-11-21T15:00:00+09:00"), the form the report format's date-time fields take.
export function localToRfc3339(local, timeZone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local || '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  let off = offsetAt(wall, timeZone);
  off = offsetAt(wall - off * 60000, timeZone); // the offset in force at that instant
  const sign = off < 0 ? '-' : '+';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] || '00'}${sign}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}

// RFC 3339 → "YYYY-MM-DDTHH:MM" as a wall-clock time in timeZone (for <input type=datetime-local>).
export function rfc3339ToLocal(iso, timeZone) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit',
  }).formatToParts(d);
  const v = Object.fromEntries(parts.map((p) => [p.type, p.value]));
  return `${v.year}-${v.month}-${v.day}T${pad(+v.hour % 24)}:${v.minute}`;
}

export function debounce(fn, ms) {
  let t = null;
  const wrapped = (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(t);
  return wrapped;
}
