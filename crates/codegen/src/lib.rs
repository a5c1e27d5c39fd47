//! Turns botocore's Direct Connect model (vendored under `model/`) into the
//! Rust source of `crates/model/src/generated.rs`.
//!
//! Mapping: structures become structs (required members are plain fields,
//! the rest `Option`), string shapes with an `enum` trait become Rust enums,
//! other strings `String`, integers `i32`, longs `i64`, lists `Vec<_>`,
//! timestamps `Timestamp`, blobs `Blob`. Every struct gets a `Decode` impl
//! that checks the model's constraints (required, min/max, pattern, enum)
//! and an `Encode` impl. Operations become the `Operation`, `Input` and
//! `Output` enums plus the `DirectConnect` trait, whose implementor must
//! handle every operation: "every operation is wired" is a compile-time fact.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// The repository root (two levels above this crate).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn model_path() -> PathBuf {
    repo_root().join("model/directconnect-2012-10-25.json.gz")
}

pub fn output_path() -> PathBuf {
    repo_root().join("crates/model/src/generated.rs")
}

pub fn load_model(path: &Path) -> Value {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .expect("model is gzip-compressed JSON");
    serde_json::from_str(&text).expect("model is valid JSON")
}

/// `virtualInterfaceId` -> `virtual_interface_id`, `secretARN` -> `secret_arn`,
/// `CreateBGPPeer` -> `create_bgp_peer`.
pub fn snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                None => false,
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    match out.as_str() {
        "type" | "match" | "ref" | "box" | "loop" | "move" | "self" | "use" | "mod" | "fn" => {
            format!("r#{out}")
        }
        _ => out,
    }
}

/// Enum value -> variant name: `must_encrypt` -> `MustEncrypt`,
/// `maximum-resiliency` -> `MaximumResiliency`, `PayAsYouGo` -> `PayAsYouGo`.
pub fn variant(value: &str) -> String {
    let mut out = String::new();
    for part in value.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut cs = part.chars();
        if let Some(first) = cs.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(cs);
        }
    }
    if out.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

struct Gen<'m> {
    shapes: &'m Map<String, Value>,
    out: String,
}

/// Names the generated module imports; a shape with one of these names
/// would shadow them.
/// Generated structs the engine stores in its state, and so writes into
/// snapshots: they derive serde (every enum does).
const SNAPSHOT_SHAPES: &[&str] = &["Tag", "ResiliencyGroup", "ResiliencyGroupAssociation"];

const RESERVED: &[&str] = &[
    "Value",
    "Decode",
    "Decoder",
    "DecodeError",
    "Path",
    "Encode",
    "Encoder",
    "Timestamp",
    "Blob",
    "ApiError",
    "Operation",
    "Input",
    "Output",
    "DirectConnect",
    "Option",
    "String",
    "Vec",
    "Result",
    "Box",
    "Quoted",
];

impl<'m> Gen<'m> {
    fn shape(&self, name: &str) -> &'m Map<String, Value> {
        self.shapes[name].as_object().expect("shape is an object")
    }

    fn kind(&self, name: &str) -> &'m str {
        self.shape(name)["type"].as_str().expect("shape has a type")
    }

    fn is_enum(&self, name: &str) -> bool {
        self.kind(name) == "string" && self.shape(name).contains_key("enum")
    }

    /// The Rust type that holds a value of this shape.
    fn rust_type(&self, name: &str) -> String {
        match self.kind(name) {
            "structure" => name.to_string(),
            "string" if self.is_enum(name) => name.to_string(),
            "string" => "String".into(),
            "integer" => "i32".into(),
            "long" => "i64".into(),
            "boolean" => "bool".into(),
            "timestamp" => "Timestamp".into(),
            "blob" => "Blob".into(),
            "list" => {
                let member = self.shape(name)["member"]["shape"].as_str().unwrap();
                format!("Vec<{}>", self.rust_type(member))
            }
            other => panic!("shape {name}: unsupported type {other}"),
        }
    }

    /// Expression that decodes `val` (a `&Value`) at path `p` into this shape.
    fn decode_expr(&self, name: &str, val: &str, p: &str) -> String {
        match self.kind(name) {
            "structure" => format!("{name}::decode({val}, d, {p})?"),
            _ => format!(
                "decode_{}({val}, d, {p})?",
                snake(name).trim_start_matches("r#")
            ),
        }
    }

    fn emit_header(&mut self, model: &Value) {
        let meta = &model["metadata"];
        let _ = writeln!(
            self.out,
            "// @generated by dxlocal-codegen from botocore's `{}` model (apiVersion {}).\n\
             // Do not edit: change crates/codegen and run `cargo run -p dxlocal-codegen`.\n",
            meta["endpointPrefix"].as_str().unwrap_or_default(),
            meta["apiVersion"].as_str().unwrap_or_default()
        );
        self.out.push_str(
            "use crate::decode::{Decode, DecodeError, Decoder, Path, Quoted};\n\
             use crate::encode::{Blob, Encode, Encoder, Timestamp};\n\
             use crate::error::ApiError;\n\
             use crate::value::Value;\n\
             use std::sync::OnceLock;\n\n",
        );
    }

    fn emit_enum(&mut self, name: &str) {
        let values: Vec<&str> = self.shape(name)["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let variants: Vec<String> = values.iter().map(|v| variant(v)).collect();
        let unique: BTreeSet<&String> = variants.iter().collect();
        assert_eq!(
            unique.len(),
            variants.len(),
            "enum {name}: variant names collide"
        );
        let o = &mut self.out;
        let _ = writeln!(
            o,
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]"
        );
        let _ = writeln!(o, "pub enum {name} {{");
        for (i, v) in variants.iter().enumerate() {
            if i == 0 {
                let _ = writeln!(o, "    #[default]");
            }
            let _ = writeln!(o, "    {v},");
        }
        let _ = writeln!(o, "}}\n");
        let _ = writeln!(o, "impl {name} {{");
        let _ = writeln!(
            o,
            "    pub const ALL: &'static [{name}] = &[{}];",
            variants
                .iter()
                .map(|v| format!("{name}::{v}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(
            o,
            "    pub fn as_str(&self) -> &'static str {{\n        match self {{"
        );
        for (v, s) in variants.iter().zip(&values) {
            let _ = writeln!(o, "            {name}::{v} => {s:?},");
        }
        let _ = writeln!(o, "        }}\n    }}\n");
        let _ = writeln!(
            o,
            "    pub fn from_name(s: &str) -> Option<{name}> {{\n        match s {{"
        );
        for (v, s) in variants.iter().zip(&values) {
            let _ = writeln!(o, "            {s:?} => Some({name}::{v}),");
        }
        let _ = writeln!(o, "            _ => None,\n        }}\n    }}\n}}\n");
        let _ = writeln!(
            o,
            "impl std::fmt::Display for {name} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n"
        );
        let _ = writeln!(
            o,
            "impl Encode for {name} {{\n    fn encode<E: Encoder>(&self, e: &mut E) {{\n        e.string(self.as_str())\n    }}\n}}\n"
        );
        let fname = snake(name);
        let _ = writeln!(
            o,
            "fn decode_{fname}(v: &Value, d: &mut Decoder, p: &Path<'_>) -> Result<{name}, DecodeError> {{\n    \
             let s = d.string(v, p)?;\n    \
             match {name}::from_name(&s) {{\n        \
             Some(x) => Ok(x),\n        \
             None => {{\n            \
             d.violation(Quoted(&s), p, {msg:?});\n            \
             Ok({name}::default())\n        \
             }}\n    }}\n}}\n",
            msg = format!("Member must satisfy enum value set: [{}]", values.join(", "))
        );
    }

    fn emit_scalar_decoder(&mut self, name: &str) {
        let shape = self.shape(name);
        let kind = self.kind(name);
        let fname = snake(name);
        let fname = fname.trim_start_matches("r#");
        let ty = self.rust_type(name);
        let min = shape.get("min").and_then(Value::as_i64);
        let max = shape.get("max").and_then(Value::as_i64);
        let opt = |x: Option<i64>| match x {
            Some(v) => format!("Some({v})"),
            None => "None".into(),
        };
        let mut body = String::new();
        match kind {
            "string" => {
                body.push_str("    let s = d.string(v, p)?;\n");
                if min.is_some() || max.is_some() {
                    let _ = writeln!(
                        body,
                        "    d.check_length(s.chars().count(), &Quoted(&s), p, {}, {});",
                        opt(min),
                        opt(max)
                    );
                }
                if let Some(pat) = shape.get("pattern").and_then(Value::as_str) {
                    let _ = writeln!(
                        body,
                        "    static RE: OnceLock<regex::Regex> = OnceLock::new();\n    \
                         let re = RE.get_or_init(|| regex::Regex::new({pat:?}).expect(\"model pattern compiles\"));\n    \
                         d.check_pattern(&s, p, re, {pat:?});"
                    );
                }
                body.push_str("    Ok(s)\n");
            }
            "integer" | "long" => {
                let getter = if kind == "integer" { "integer" } else { "long" };
                let _ = writeln!(body, "    let x = d.{getter}(v, p)?;");
                if min.is_some() || max.is_some() {
                    let _ = writeln!(
                        body,
                        "    d.check_range(i64::from(x), p, {}, {});",
                        opt(min),
                        opt(max)
                    );
                }
                body.push_str("    Ok(x)\n");
            }
            "boolean" => body.push_str("    d.boolean(v, p)\n"),
            "timestamp" => body.push_str("    d.timestamp(v, p)\n"),
            "blob" => body.push_str("    d.blob(v, p)\n"),
            "list" => {
                let member = shape["member"]["shape"].as_str().unwrap();
                body.push_str("    let items = d.list(v, p)?;\n");
                if min.is_some() || max.is_some() {
                    let _ = writeln!(
                        body,
                        "    let shown = if items.is_empty() {{ \"'[]'\".to_string() }} else {{ format!(\"'[{{}} items]'\", items.len()) }};\n    \
                         d.check_length(items.len(), &shown, p, {}, {});",
                        opt(min),
                        opt(max)
                    );
                }
                let _ = writeln!(
                    body,
                    "    let mut out = Vec::with_capacity(items.len());\n    \
                     for (i, item) in items.iter().enumerate() {{\n        \
                     let ip = Path::Index(p, i);\n        \
                     out.push({});\n    }}\n    Ok(out)",
                    self.decode_expr(member, "item", "&ip")
                );
            }
            other => panic!("{name}: no decoder for {other}"),
        }
        let _ = writeln!(
            self.out,
            "#[allow(unused)]\nfn decode_{fname}(v: &Value, d: &mut Decoder, p: &Path<'_>) -> Result<{ty}, DecodeError> {{\n{body}}}\n"
        );
    }

    fn emit_struct(&mut self, name: &str) {
        let shape = self.shape(name);
        let members = shape["members"].as_object().unwrap();
        let required: BTreeSet<&str> = shape
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().map(|v| v.as_str().unwrap()).collect())
            .unwrap_or_default();
        let mut def = String::new();
        // Only the shapes the engine keeps in its state get serde derives
        // (engine snapshots); the rest would only cost compile time.
        let serde = if SNAPSHOT_SHAPES.contains(&name) {
            ", serde::Serialize, serde::Deserialize"
        } else {
            ""
        };
        let _ = writeln!(
            def,
            "#[derive(Debug, Clone, Default, PartialEq{serde})]\npub struct {name} {{"
        );
        for (m, spec) in members {
            let target = spec["shape"].as_str().unwrap();
            let ty = self.rust_type(target);
            let field = snake(m);
            if required.contains(m.as_str()) {
                let _ = writeln!(def, "    pub {field}: {ty},");
            } else {
                let _ = writeln!(def, "    pub {field}: Option<{ty}>,");
            }
        }
        def.push_str("}\n\n");

        // Encode
        let mut enc = String::new();
        let _ = writeln!(
            enc,
            "impl Encode for {name} {{\n    fn encode<E: Encoder>(&self, e: &mut E) {{"
        );
        let mut count = vec![required.len().to_string()];
        for (m, _) in members {
            if !required.contains(m.as_str()) {
                count.push(format!("usize::from(self.{}.is_some())", snake(m)));
            }
        }
        let _ = writeln!(enc, "        e.begin_map({});", count.join(" + "));
        for (m, _) in members {
            let field = snake(m);
            if required.contains(m.as_str()) {
                let _ = writeln!(
                    enc,
                    "        e.key({m:?});\n        self.{field}.encode(e);"
                );
            } else {
                let _ = writeln!(
                    enc,
                    "        if let Some(v) = &self.{field} {{\n            e.key({m:?});\n            v.encode(e);\n        }}"
                );
            }
        }
        enc.push_str("        e.end_map();\n    }\n}\n\n");

        // Decode
        let mut dec = String::new();
        let _ = writeln!(
            dec,
            "impl Decode for {name} {{\n    fn decode(v: &Value, d: &mut Decoder, path: &Path<'_>) -> Result<Self, DecodeError> {{\n        \
             let map = d.map(v, path)?;\n        let mut out = {name}::default();"
        );
        for m in &required {
            let _ = writeln!(
                dec,
                "        let mut seen_{} = false;",
                snake(m).trim_start_matches("r#")
            );
        }
        dec.push_str("        for (k, val) in map {\n            // Clients treat null as absent.\n            if matches!(val, Value::Null) {\n                continue;\n            }\n            match k.as_str() {\n");
        for (m, spec) in members {
            let target = spec["shape"].as_str().unwrap();
            let field = snake(m);
            let expr = self.decode_expr(target, "val", "&p");
            if required.contains(m.as_str()) {
                let _ = writeln!(
                    dec,
                    "                {m:?} => {{\n                    let p = Path::Member(path, {m:?});\n                    out.{field} = {expr};\n                    seen_{} = true;\n                }}",
                    field.trim_start_matches("r#")
                );
            } else {
                let _ = writeln!(
                    dec,
                    "                {m:?} => {{\n                    let p = Path::Member(path, {m:?});\n                    out.{field} = Some({expr});\n                }}"
                );
            }
        }
        dec.push_str("                // Newer SDKs may send members this model does not know.\n                _ => {}\n            }\n        }\n");
        for m in &required {
            let _ = writeln!(
                dec,
                "        if !seen_{} {{\n            d.missing(&Path::Member(path, {m:?}));\n        }}",
                snake(m).trim_start_matches("r#")
            );
        }
        dec.push_str("        Ok(out)\n    }\n}\n\n");

        self.out.push_str(&def);
        self.out.push_str(&enc);
        self.out.push_str(&dec);
    }

    fn emit_operations(&mut self, ops: &Map<String, Value>) {
        let names: Vec<&String> = ops.keys().collect();
        let input = |op: &str| {
            ops[op]
                .get("input")
                .map(|i| i["shape"].as_str().unwrap().to_string())
        };
        let output = |op: &str| {
            ops[op]
                .get("output")
                .map(|i| i["shape"].as_str().unwrap().to_string())
        };
        let o = &mut self.out;

        let _ = writeln!(o, "/// Every operation of the Direct Connect API.");
        let _ = writeln!(
            o,
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]\npub enum Operation {{"
        );
        for n in &names {
            let _ = writeln!(o, "    {n},");
        }
        let _ = writeln!(o, "}}\n");
        let _ = writeln!(o, "impl Operation {{");
        let _ = writeln!(o, "    pub const ALL: &'static [Operation] = &[");
        for n in &names {
            let _ = writeln!(o, "        Operation::{n},");
        }
        let _ = writeln!(o, "    ];\n");
        let _ = writeln!(
            o,
            "    pub fn name(&self) -> &'static str {{\n        match self {{"
        );
        for n in &names {
            let _ = writeln!(o, "            Operation::{n} => {n:?},");
        }
        let _ = writeln!(o, "        }}\n    }}\n");
        let _ = writeln!(
            o,
            "    pub fn from_name(s: &str) -> Option<Operation> {{\n        match s {{"
        );
        for n in &names {
            let _ = writeln!(o, "            {n:?} => Some(Operation::{n}),");
        }
        let _ = writeln!(o, "            _ => None,\n        }}\n    }}\n}}\n");

        // Input
        let _ = writeln!(o, "/// A decoded request of any operation.");
        let _ = writeln!(o, "#[derive(Debug, Clone, PartialEq)]\npub enum Input {{");
        for n in &names {
            match input(n) {
                Some(s) => {
                    let _ = writeln!(o, "    {n}({s}),");
                }
                None => {
                    let _ = writeln!(o, "    {n},");
                }
            }
        }
        let _ = writeln!(o, "}}\n");
        let _ = writeln!(o, "impl Input {{");
        let _ = writeln!(
            o,
            "    pub fn operation(&self) -> Operation {{\n        match self {{"
        );
        for n in &names {
            let pat = if input(n).is_some() {
                format!("Input::{n}(_)")
            } else {
                format!("Input::{n}")
            };
            let _ = writeln!(o, "            {pat} => Operation::{n},");
        }
        let _ = writeln!(o, "        }}\n    }}\n");
        let _ = writeln!(
            o,
            "    /// Builds the typed input of `op` from a request body, checking every\n    \
             /// model constraint. Operations without input accept any map.\n    \
             pub fn decode(op: Operation, body: &Value) -> Result<Input, DecodeError> {{\n        \
             let mut d = Decoder::new();\n        \
             let root = Path::Root;\n        \
             let input = match op {{"
        );
        for n in &names {
            match input(n) {
                Some(s) => {
                    let _ = writeln!(o, "            Operation::{n} => Input::{n}({s}::decode(body, &mut d, &root)?),");
                }
                None => {
                    let _ = writeln!(o, "            Operation::{n} => {{\n                d.map(body, &root)?;\n                Input::{n}\n            }}");
                }
            }
        }
        let _ = writeln!(o, "        }};\n        d.finish(input)\n    }}\n");
        let _ = writeln!(
            o,
            "    /// An input of `op` with every member at its default: for tools that\n    \
             /// probe operations (coverage reports), not a valid request.\n    \
             pub fn placeholder(op: Operation) -> Input {{\n        match op {{"
        );
        for n in &names {
            if input(n).is_some() {
                let _ = writeln!(
                    o,
                    "            Operation::{n} => Input::{n}(Default::default()),"
                );
            } else {
                let _ = writeln!(o, "            Operation::{n} => Input::{n},");
            }
        }
        let _ = writeln!(o, "        }}\n    }}\n}}\n");

        // Output
        let _ = writeln!(o, "/// The successful result of any operation.");
        let _ = writeln!(o, "#[derive(Debug, Clone, PartialEq)]\npub enum Output {{");
        for n in &names {
            let s = output(n).expect("every operation has an output");
            let _ = writeln!(o, "    {n}({s}),");
        }
        let _ = writeln!(o, "}}\n");
        let _ = writeln!(
            o,
            "impl Output {{\n    pub fn operation(&self) -> Operation {{\n        match self {{"
        );
        for n in &names {
            let _ = writeln!(o, "            Output::{n}(_) => Operation::{n},");
        }
        let _ = writeln!(o, "        }}\n    }}\n}}\n");
        let _ = writeln!(o, "impl Encode for Output {{\n    fn encode<E: Encoder>(&self, e: &mut E) {{\n        match self {{");
        for n in &names {
            let _ = writeln!(o, "            Output::{n}(x) => x.encode(e),");
        }
        let _ = writeln!(o, "        }}\n    }}\n}}\n");

        // Service trait
        let _ = writeln!(
            o,
            "/// The Direct Connect service: one method per operation, none optional,\n\
             /// so an implementation that misses an operation does not compile.\n\
             pub trait DirectConnect {{\n    type Context;\n"
        );
        for n in &names {
            let out_ty = output(n).unwrap();
            let m = snake(n);
            match input(n) {
                Some(s) => {
                    let _ = writeln!(o, "    fn {m}(&mut self, cx: &Self::Context, input: {s}) -> Result<{out_ty}, ApiError>;");
                }
                None => {
                    let _ = writeln!(
                        o,
                        "    fn {m}(&mut self, cx: &Self::Context) -> Result<{out_ty}, ApiError>;"
                    );
                }
            }
        }
        let _ = writeln!(o, "}}\n");
        let _ = writeln!(
            o,
            "/// Runs `input` against `service`.\n\
             pub fn dispatch<S: DirectConnect + ?Sized>(service: &mut S, cx: &S::Context, input: Input) -> Result<Output, ApiError> {{\n    \
             Ok(match input {{"
        );
        for n in &names {
            let m = snake(n);
            match input(n) {
                Some(_) => {
                    let _ = writeln!(
                        o,
                        "        Input::{n}(i) => Output::{n}(service.{m}(cx, i)?),"
                    );
                }
                None => {
                    let _ = writeln!(o, "        Input::{n} => Output::{n}(service.{m}(cx)?),");
                }
            }
        }
        let _ = writeln!(o, "    }})\n}}");
    }
}

/// The complete text of `generated.rs` for a model (unformatted; the
/// binary runs rustfmt over it).
pub fn generate(model: &Value) -> String {
    let shapes = model["shapes"].as_object().expect("model has shapes");
    let ops = model["operations"]
        .as_object()
        .expect("model has operations");
    for name in shapes.keys() {
        assert!(
            !RESERVED.contains(&name.as_str()),
            "shape {name} would shadow a generated-code import"
        );
    }
    let mut g = Gen {
        shapes,
        out: String::new(),
    };
    g.emit_header(model);
    for name in shapes.keys() {
        match g.kind(name) {
            "structure" => g.emit_struct(name),
            "string" if g.is_enum(name) => g.emit_enum(name),
            _ => g.emit_scalar_decoder(name),
        }
    }
    g.emit_operations(ops);
    g.out
}

/// Formats Rust source with rustfmt (edition 2021), so the checked-in file
/// is readable and the drift check compares like with like.
pub fn rustfmt(source: &str) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt is installed (rustup component add rustfmt)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(source.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "rustfmt failed on generated code");
    String::from_utf8(out.stdout).unwrap()
}

/// What `generated.rs` must contain for the vendored model.
pub fn expected_output() -> String {
    rustfmt(&generate(&load_model(&model_path())))
}
