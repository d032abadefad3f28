import { CronExpressionParser } from 'cron-parser';
import type { FieldError } from '../http/problem';

/** IANA time zone names as the runtime (ICU) knows them; 'UTC' is always accepted. */
export function isValidTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz) || tz.length > 64) return false;
  if (tz === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return false;
  }
  // Intl also accepts offsets and legacy aliases; require a canonical Region/City style name or a known alias
  const known = Intl.supportedValuesOf('timeZone');
  return (
    known.includes(tz) || /^[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(tz) || tz === 'GMT' || tz === 'Etc/UTC'
  );
}

/** Scheduled runs closer together than this would hammer both systems (and overlap anyway). */
export const MIN_CRON_INTERVAL_SECONDS = 60;

/**
 * Validates a cron expression with the profile's time zone the way BullMQ will run it (cron-parser,
 * optional leading seconds field) and returns the next five run times.
 */
export function checkCron(
  expression: string,
  timezone: string,
  now = new Date(),
): { ok: true; nextRuns: string[] } | { ok: false; errors: FieldError[] } {
  if (!isValidTimeZone(timezone)) {
    return {
      ok: false,
      errors: [
        {
          path: 'body.timezone',
          message: `"${timezone}" is not an IANA time zone name (e.g. "Europe/Berlin" or "UTC")`,
        },
      ],
    };
  }
  const fields = expression.trim().split(/\s+/);
  if (!expression.startsWith('@') && (fields.length < 5 || fields.length > 6)) {
    return {
      ok: false,
      errors: [
        {
          path: 'body.cronExpression',
          message: `a cron expression has 5 fields (minute hour day month weekday) or 6 with leading seconds; got ${fields.length}`,
        },
      ],
    };
  }
  try {
    const it = CronExpressionParser.parse(expression, { tz: timezone, currentDate: now, strict: false });
    const runs = it.take(6).map((d) => d.toDate());
    if (runs.length < 2) {
      return {
        ok: false,
        errors: [{ path: 'body.cronExpression', message: 'the cron expression never runs again' }],
      };
    }
    for (let i = 1; i < runs.length; i++) {
      if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_CRON_INTERVAL_SECONDS * 1000) {
        return {
          ok: false,
          errors: [
            {
              path: 'body.cronExpression',
              message: `runs must be at least ${MIN_CRON_INTERVAL_SECONDS} seconds apart (e.g. "*/15 * * * *" for every 15 minutes)`,
            },
          ],
        };
      }
    }
    return { ok: true, nextRuns: runs.slice(0, 5).map((d) => d.toISOString()) };
  } catch (err) {
    return {
      ok: false,
      errors: [
        { path: 'body.cronExpression', message: `invalid cron expression: ${(err as Error).message}` },
      ],
    };
  }
}
