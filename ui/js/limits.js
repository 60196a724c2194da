// Limits on dates and years, mirrored from the core's src/limits.rs: a core test reads
// the two lines below and compares them with its own constants, so keep their form.

export const EARLIEST_YEAR = 2000;
export const LATEST_YEAR = 9999;

/** The first day a record can fall on, as ISO yyyy-mm-dd. */
export const EARLIEST_DATE = `${EARLIEST_YEAR}-01-01`;

/** Whether `year` is a whole number within the limits. */
export function isYearInLimits(year) {
  return Number.isInteger(year) && year >= EARLIEST_YEAR && year <= LATEST_YEAR;
}
