//! Times for people: a Unix time as a UTC date, a number of seconds as a
//! rounded duration. Messages say "expired on 2026-05-01 12:00:00 UTC, 3 h
//! ago" rather than raw epoch seconds. And the other way: an RFC 3339 time
//! or a duration such as `2h`, as people write them.

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

/// An RFC 3339 time, `2026-12-06T08:30:00Z` or with an offset (`+02:00`)
/// and a fraction of a second, as milliseconds since the epoch. `t`, `z`
/// and a space for `T` are accepted, as RFC 3339 allows.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let number = |at: usize, len: usize| -> Option<i64> {
        let digits = text.get(at..at + len)?;
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    let at = |index: usize, allowed: &[u8]| {
        text.as_bytes()
            .get(index)
            .is_some_and(|b| allowed.contains(b))
    };
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    let month_ok = (1..=12).contains(&month) && (1..=31).contains(&day);
    if !month_ok || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    // 2026-02-30 comes back as another day.
    if civil_from_days(days) != (year, month as u32, day as u32) {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let first: String = fraction[..digits]
            .chars()
            .chain("00".chars())
            .take(3)
            .collect();
        millis = first.parse::<i64>().ok()?;
        rest = &fraction[digits..];
    }
    let offset_minutes = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let zone = &rest[1..];
            let hours = zone
                .get(..2)
                .filter(|h| h.bytes().all(|b| b.is_ascii_digit()))?;
            let minutes = zone
                .get(3..)
                .filter(|m| m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()))?;
            if zone.as_bytes().get(2) != Some(&b':') {
                return None;
            }
            let (hours, minutes): (i64, i64) = (hours.parse().ok()?, minutes.parse().ok()?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 60 + minutes)
        }
    };
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

/// A duration as people write it: `90s`, `30m`, `2h`, `1d`, `1w`, or
/// several (`1h30m`); in seconds.
pub(crate) fn parse_span(text: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let count: u64 = rest[..digits].parse().ok()?;
        let unit = match rest.as_bytes().get(digits)? {
            b's' => 1,
            b'm' => 60,
            b'h' => 3600,
            b'd' => 86_400,
            b'w' => 7 * 86_400,
            _ => return None,
        };
        total = total.checked_add(count.checked_mul(unit)?)?;
        rest = &rest[digits + 1..];
    }
    Some(total)
}

/// A proleptic Gregorian date to days since 1970-01-01 (the inverse of
/// `civil_from_days`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
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
    fn rfc3339_times_as_people_write_them() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339("2026-11-30T05:58:51Z"),
            Some(1_796_018_331_000)
        );
        assert_eq!(
            parse_rfc3339("2026-11-30 07:58:51.25+02:00"),
            Some(1_796_018_331_250)
        );
        assert_eq!(parse_rfc3339("2000-02-29t00:00:00z"), Some(951_782_400_000));
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59-00:00"), Some(-1000));
        for wrong in [
            "2026-02-30T00:00:00Z",
            "2026-11-30T05:58:51",
            "2026-11-30",
            "2026-11-30T24:00:00Z",
            "2026-11-30T05:58:51+2",
            "2026-11-30T05:58:51.Z",
            "yesterday",
        ] {
            assert_eq!(parse_rfc3339(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn spans_as_people_write_them() {
        assert_eq!(parse_span("90s"), Some(90));
        assert_eq!(parse_span("2h"), Some(7200));
        assert_eq!(parse_span("1h30m"), Some(5400));
        assert_eq!(parse_span("1d"), Some(86_400));
        assert_eq!(parse_span("1w"), Some(604_800));
        for wrong in ["", "2", "h", "2x", "1.5h", "-2h", "99999999999999999999s"] {
            assert_eq!(parse_span(wrong), None, "{wrong}");
        }
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
