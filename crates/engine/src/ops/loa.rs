//! Letters of Authorization: DescribeLoa and its deprecated forms. The
//! document is a real (small) PDF naming the port, location and provider.

use super::connections;
use crate::state::ConnKind;
use crate::{access, Cx, Engine};
use dxlocal_model::encode::Blob;
use dxlocal_model::{
    ApiError, DescribeConnectionLoaRequest, DescribeConnectionLoaResponse,
    DescribeInterconnectLoaRequest, DescribeInterconnectLoaResponse, DescribeLoaRequest, Loa,
    LoaContentType,
};

fn pdf_text(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .flat_map(|c| match c {
            '(' | ')' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect()
}

/// A one-page PDF with the given lines, with a correct cross-reference
/// table so any reader opens it.
pub fn pdf(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 72 720 Td 16 TL\n");
    for line in lines {
        content.push_str(&format!("({}) Tj T*\n", pdf_text(line)));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The LOA of a connection, interconnect or LAG the caller owns; reading
/// it stamps `loaIssueTime` on connections and interconnects.
fn letter(eng: &mut Engine, cx: &Cx, id: &str, provider: Option<&str>) -> Result<Loa, ApiError> {
    let (kind, location, bandwidth, device) = if id.starts_with("dxlag-") {
        let lag = super::lags::owned(eng, cx, id)?;
        if lag.deleted {
            return Err(super::lags::not_found(id));
        }
        (
            "Link aggregation group",
            lag.location.clone(),
            lag.bandwidth.clone(),
            lag.aws_device.clone(),
        )
    } else {
        let c = eng
            .state
            .connections
            .get(id)
            .filter(|c| access::owns(&cx.caller, &c.owner, &c.region))
            .ok_or_else(|| connections::not_found(id))?;
        if !c.is_live() {
            return Err(connections::not_found(id));
        }
        if matches!(c.kind, ConnKind::Hosted { .. }) {
            return Err(ApiError::client(format!(
                "Connection {id} is a hosted connection; its partner provides the cross connect, so there is no LOA"
            )));
        }
        let kind = if c.kind == ConnKind::Interconnect {
            "Interconnect"
        } else {
            "Connection"
        };
        (
            kind,
            c.location.clone(),
            c.bandwidth.clone(),
            c.aws_device.clone(),
        )
    };
    let site = crate::catalog::site(&cx.caller.region, &location);
    let lines = vec![
        "LETTER OF AUTHORIZATION AND CONNECTING FACILITY ASSIGNMENT (LOA-CFA)".to_string(),
        String::new(),
        format!("{kind}: {id}"),
        format!("Location: {location} - {}", site.map_or("", |s| s.name)),
        format!("Region: {}", cx.caller.region),
        format!("Port speed: {bandwidth}"),
        format!("AWS device: {device}"),
        format!("Provider: {}", provider.unwrap_or("(customer)")),
        format!(
            "Issued to account {} for cross-connect provisioning.",
            cx.caller.account
        ),
    ];
    if let Some(c) = eng.state.connections.get_mut(id) {
        c.loa_issue_time = Some(cx.now.floor());
    }
    Ok(Loa {
        loa_content: Some(Blob(pdf(&lines))),
        loa_content_type: Some(LoaContentType::ApplicationPdf),
    })
}

pub fn describe_loa(eng: &mut Engine, cx: &Cx, input: DescribeLoaRequest) -> Result<Loa, ApiError> {
    letter(
        eng,
        cx,
        &input.connection_id,
        input.provider_name.as_deref(),
    )
}

pub fn describe_connection_loa(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeConnectionLoaRequest,
) -> Result<DescribeConnectionLoaResponse, ApiError> {
    if input.connection_id.starts_with("dxlag-") {
        return Err(connections::not_found(&input.connection_id));
    }
    Ok(DescribeConnectionLoaResponse {
        loa: Some(letter(
            eng,
            cx,
            &input.connection_id,
            input.provider_name.as_deref(),
        )?),
    })
}

pub fn describe_interconnect_loa(
    eng: &mut Engine,
    cx: &Cx,
    input: DescribeInterconnectLoaRequest,
) -> Result<DescribeInterconnectLoaResponse, ApiError> {
    let id = &input.interconnect_id;
    if !eng.state.connections.get(id).is_some_and(|c| {
        c.kind == ConnKind::Interconnect && access::owns(&cx.caller, &c.owner, &c.region)
    }) {
        return Err(super::interconnects::not_found(id));
    }
    Ok(DescribeInterconnectLoaResponse {
        loa: Some(letter(eng, cx, id, input.provider_name.as_deref())?),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_letter_is_a_pdf_with_a_valid_xref() {
        let doc = super::pdf(&["Connection: dxcon-fabc1234 (x)".to_string()]);
        let text = String::from_utf8(doc.clone()).unwrap();
        assert!(text.starts_with("%PDF-1.4"));
        assert!(text.ends_with("%%EOF\n"));
        let start: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[start..].starts_with("xref"));
        assert!(text.contains("dxcon-fabc1234 \\(x\\)"));
    }
}
