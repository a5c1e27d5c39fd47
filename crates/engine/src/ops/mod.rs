//! Operation handlers, one module per area of the API. Each handler checks
//! everything first and mutates last, so a failure changes nothing.

pub mod account;
pub mod associations;
pub mod bgp;
pub mod connections;
pub mod gateways;
pub mod interconnects;
pub mod lags;
pub mod loa;
pub mod locations;
pub mod macsec;
pub mod ports;
pub mod public;
pub mod resiliency;
pub mod tags;
pub mod transit;
pub mod vifs;

use dxlocal_model::ApiError;

/// `aws`, `aws-cn` or `aws-us-gov`, from the region name.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// ARN of a regional Direct Connect resource (`dxcon`, `dxlag`, `dxvif`).
pub fn regional_arn(region: &str, account: &str, kind: &str, id: &str) -> String {
    format!(
        "arn:{}:directconnect:{region}:{account}:{kind}/{id}",
        partition(region)
    )
}

/// ARN of a resource whose ARN has no region (DX gateways, resiliency groups).
pub fn global_arn(region: &str, account: &str, kind: &str, id: &str) -> String {
    format!(
        "arn:{}:directconnect::{account}:{kind}/{id}",
        partition(region)
    )
}

/// One page of a Describe result.
///
/// [choice] Absent `maxResults` returns everything (Terraform and older
/// callers never page); values above 100 count as 100; below 1 is an error.
/// Tokens are opaque: the offset plus a fingerprint of the caller, the
/// operation and its filters, so a token replayed elsewhere is refused.
pub fn paginate<T>(
    items: Vec<T>,
    max_results: Option<i32>,
    next_token: Option<&str>,
    binding: &str,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let fingerprint = fnv(binding);
    let start = match next_token {
        None | Some("") => 0,
        Some(token) => parse_token(token, fingerprint)
            .ok_or_else(|| ApiError::client(format!("Invalid nextToken: {token}")))?,
    };
    let limit = match max_results {
        None => usize::MAX,
        Some(n) if n < 1 => {
            return Err(ApiError::client(format!(
                "maxResults must be at least 1 (got {n})"
            )))
        }
        Some(n) => n.min(100) as usize,
    };
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(limit).collect();
    let end = start.saturating_add(page.len());
    let token = (end < total).then(|| format!("{end:x}.{fingerprint:016x}"));
    Ok((page, token))
}

fn parse_token(token: &str, fingerprint: u64) -> Option<usize> {
    let (offset, fp) = token.split_once('.')?;
    if u64::from_str_radix(fp, 16).ok()? != fingerprint {
        return None;
    }
    usize::from_str_radix(offset, 16).ok()
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_tokens_and_refuse_foreign_ones() {
        let items: Vec<u32> = (0..250).collect();
        let (p1, t1) = paginate(items.clone(), Some(500), None, "a").unwrap();
        assert_eq!(p1.len(), 100);
        let (p2, t2) = paginate(items.clone(), Some(100), t1.as_deref(), "a").unwrap();
        assert_eq!(p2[0], 100);
        let (p3, t3) = paginate(items.clone(), Some(100), t2.as_deref(), "a").unwrap();
        assert_eq!(p3.len(), 50);
        assert!(t3.is_none());
        assert!(paginate(items.clone(), Some(10), t2.as_deref(), "b").is_err());
        assert!(paginate(items, Some(0), None, "a").is_err());
    }
}

/// `2026-11-26T23:13:43Z` from epoch seconds (UTC), for string dates in
/// responses such as `MacSecKey.startOn`.
pub fn iso8601(epoch: f64) -> String {
    let secs = epoch.floor() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod date_tests {
    #[test]
    fn formats_utc() {
        assert_eq!(super::iso8601(0.0), "1970-01-01T00:00:00Z");
        assert_eq!(super::iso8601(1_491_568_964.0), "2017-04-07T12:42:44Z");
    }
}
