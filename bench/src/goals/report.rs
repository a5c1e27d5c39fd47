//! The goals table (and its JSON form).

use serde_json::{json, Value};

/// One line of the table: a measured value next to its baseline.
#[derive(Debug, Clone)]
pub struct Row {
    /// Goal number and letter, as the issue numbers them ("1a").
    pub goal: String,
    pub what: String,
    pub value: String,
    pub baseline: String,
    /// dxlocal over baseline, where the two are comparable.
    pub ratio: Option<f64>,
    /// Lowest and highest ratio of the alternating rounds.
    pub rounds: Option<(f64, f64)>,
    pub limit: String,
    /// `None` for rows with no limit, or that could not be measured.
    pub pass: Option<bool>,
    /// Raw numbers for `--json`.
    pub detail: Value,
}

impl Row {
    pub fn result(&self) -> &'static str {
        match self.pass {
            Some(true) => "pass",
            Some(false) => "FAIL",
            None if self.limit == "-" => "info",
            None => "n/a",
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "goal": self.goal,
            "what": self.what,
            "value": self.value,
            "baseline": self.baseline,
            "ratio": self.ratio,
            "round_ratio_min": self.rounds.map(|r| r.0),
            "round_ratio_max": self.rounds.map(|r| r.1),
            "limit": self.limit,
            "result": self.result(),
            "detail": self.detail,
        })
    }
}

pub fn table(header: &[String], rows: &[Row], notes: &[String]) -> String {
    let cols = [
        "goal",
        "measurement",
        "dxlocal",
        "baseline (same run)",
        "ratio",
        "rounds",
        "goal",
        "result",
    ];
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            [
                r.goal.clone(),
                r.what.clone(),
                r.value.clone(),
                r.baseline.clone(),
                r.ratio.map_or("-".into(), |x| format!("{x:.2}")),
                r.rounds
                    .map_or("-".into(), |(lo, hi)| format!("{lo:.2}-{hi:.2}")),
                r.limit.clone(),
                r.result().to_string(),
            ]
        })
        .collect();
    let mut width = cols.map(str::len);
    for c in &cells {
        for (w, s) in width.iter_mut().zip(c) {
            *w = (*w).max(s.chars().count());
        }
    }
    let line = |c: &[String]| {
        let mut s = String::new();
        for (i, (cell, w)) in c.iter().zip(width).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            // Numbers line up on the right, words on the left.
            if i == 4 {
                s.push_str(&format!("{cell:>w$}"));
            } else {
                s.push_str(&format!("{cell:<w$}"));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = String::new();
    for h in header {
        out.push_str(h);
        out.push('\n');
    }
    out.push_str(&line(&cols.map(String::from)));
    out.push_str(&line(&width.map(|w| "-".repeat(w))));
    for c in &cells {
        out.push_str(&line(c));
    }
    for n in notes {
        out.push_str(n);
        out.push('\n');
    }
    out
}

pub fn fmt_rate(r: f64) -> String {
    format!("{r:.0} req/s")
}

pub fn fmt_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.3} ms")
    }
}

pub fn fmt_kib(kib: f64) -> String {
    if kib >= 1024.0 {
        format!("{:.1} MiB", kib / 1024.0)
    } else {
        format!("{kib:.0} KiB")
    }
}

pub fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0 && a.is_finite()).then(|| a / b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns_and_names_results() {
        let rows = vec![
            Row {
                goal: "1a".into(),
                what: "x".into(),
                value: "10 req/s".into(),
                baseline: "floor 20 req/s".into(),
                ratio: Some(0.5),
                rounds: Some((0.4, 0.6)),
                limit: ">= 0.60".into(),
                pass: Some(false),
                detail: Value::Null,
            },
            Row {
                goal: "6".into(),
                what: "moto".into(),
                value: "not installed".into(),
                baseline: "-".into(),
                ratio: None,
                rounds: None,
                limit: "-".into(),
                pass: None,
                detail: Value::Null,
            },
        ];
        let t = table(&["h".into()], &rows, &["n".into()]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "h");
        assert!(lines[3].ends_with("FAIL"), "{t}");
        assert!(lines[3].contains(" 0.50  0.40-0.60 "), "{t}");
        assert!(lines[4].ends_with("info"), "{t}");
        assert_eq!(lines[5], "n");
        assert_eq!(lines[1].find("measurement"), lines[3].find('x'));
    }

    #[test]
    fn formats() {
        assert_eq!(fmt_ms(0.1234), "0.123 ms");
        assert_eq!(fmt_ms(12.34), "12.3 ms");
        assert_eq!(fmt_ms(1234.0), "1.23 s");
        assert_eq!(fmt_kib(512.0), "512 KiB");
        assert_eq!(fmt_kib(2048.0), "2.0 MiB");
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(ratio(1.0, 2.0), Some(0.5));
    }
}
