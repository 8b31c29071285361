//! Times for people: a Unix time as a UTC date, a number of seconds as a
//! rounded duration. Messages say "expired on 2026-05-01 12:00:00 UTC, 3 h
//! ago" rather than raw epoch seconds.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the epoch, now.
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Milliseconds since the epoch, as the service's timestamps count.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `secs` since the epoch as `YYYY-MM-DD HH:MM:SS UTC`.
pub(crate) fn utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02} {} UTC", clock(of_day))
}

/// `HH:MM:SS` of a number of seconds into a day.
pub(crate) fn clock(of_day: i64) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// A duration in its largest sensible unit: `42 s`, `5 min`, `3 h 20 min`,
/// `4 days`, `24 years`.
pub(crate) fn span(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY;
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match secs {
        0..MIN => format!("{secs} s"),
        MIN..HOUR => format!("{} min", secs / MIN),
        HOUR..DAY => match secs % HOUR / MIN {
            0 => format!("{} h", secs / HOUR),
            min => format!("{} h {min} min", secs / HOUR),
        },
        DAY..YEAR => plural(secs / DAY, "day"),
        _ => plural(secs / YEAR, "year"),
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (the well-known
/// era-based conversion: 400-year eras of 146,097 days).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_utc() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1000), "1970-01-01 00:16:40 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_796_018_331), "2026-11-30 05:58:51 UTC");
        assert_eq!(utc(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn spans_in_their_largest_unit() {
        assert_eq!(span(42), "42 s");
        assert_eq!(span(300), "5 min");
        assert_eq!(span(3 * 3600), "3 h");
        assert_eq!(span(3 * 3600 + 20 * 60 + 5), "3 h 20 min");
        assert_eq!(span(86_400), "1 day");
        assert_eq!(span(1_796_017_331), "56 years");
    }
}
