// Imported before every test: the browser globals that the modules under test read when they are
// imported (settings.ts reads localStorage and window.matchMedia) or when they run, in their
// simplest working form, and a fixed time zone.

// Local time is India's (UTC+05:30, no daylight saving time), whatever the machine's zone: tests
// of local times then mean the same everywhere and differ from UTC by a non-whole hour.
process.env.TZ = 'Asia/Kolkata';

const globals = globalThis as unknown as Record<string, unknown>;
const stored = new Map<string, string>();
globals.localStorage = {
  getItem: (key: string) => stored.get(key) ?? null,
  setItem: (key: string, value: string) => void stored.set(key, String(value)),
  removeItem: (key: string) => void stored.delete(key),
  clear: () => stored.clear(),
};
globals.matchMedia = () => ({ matches: false, addEventListener() {}, removeEventListener() {} });
globals.document = { title: 'Sextant', documentElement: { dataset: {} } };
globals.window = globalThis;
