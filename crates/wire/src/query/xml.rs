//! A minimal XML writer for Query responses: elements and text only, no
//! attributes beyond the root namespace.

pub(crate) struct XmlWriter {
    buf: String,
}

impl XmlWriter {
    /// Starts a document whose root element carries `xmlns`.
    pub(crate) fn new(root: &str, xmlns: &str) -> Self {
        let mut buf = String::with_capacity(512);
        buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
        buf.push_str(root);
        buf.push_str(" xmlns=\"");
        escape_into(&mut buf, xmlns);
        buf.push_str("\">");
        XmlWriter { buf }
    }

    /// Starts a document whose root element has no namespace.
    pub(crate) fn bare(root: &str) -> Self {
        let mut buf = String::with_capacity(256);
        buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<");
        buf.push_str(root);
        buf.push('>');
        XmlWriter { buf }
    }

    pub(crate) fn open(&mut self, name: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }

    pub(crate) fn close(&mut self, name: &str) -> &mut Self {
        self.buf.push_str("</");
        self.buf.push_str(name);
        self.buf.push('>');
        self
    }

    /// `<name>text</name>`, with the text escaped.
    pub(crate) fn leaf(&mut self, name: &str, text: &str) -> &mut Self {
        self.open(name);
        escape_into(&mut self.buf, text);
        self.close(name)
    }

    /// `<name/>`: an empty list, which SDKs read as `[]`.
    pub(crate) fn empty(&mut self, name: &str) -> &mut Self {
        self.buf.push('<');
        self.buf.push_str(name);
        self.buf.push_str("/>");
        self
    }

    /// Closes the root and returns the document.
    pub(crate) fn finish(mut self, root: &str) -> Vec<u8> {
        self.close(root);
        self.buf.into_bytes()
    }
}

/// Escapes text for element content or a double-quoted attribute.
///
/// `\r` becomes a character reference so that parsers do not normalise it
/// away; characters XML 1.0 cannot carry at all (most C0 controls, lone
/// surrogates cannot occur in a `str`, U+FFFE/U+FFFF) become U+FFFD, because
/// a client failing to parse the whole reply is worse than one odd tag value.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_invalid_characters() {
        let mut s = String::new();
        escape_into(&mut s, "a<b>&\"c'\r\n\u{1}\u{FFFF}é");
        assert_eq!(s, "a&lt;b&gt;&amp;&quot;c&apos;&#13;\n\u{FFFD}\u{FFFD}é");
    }

    #[test]
    fn writes_nested_elements() {
        let mut w = XmlWriter::new("R", "urn:x");
        w.open("a").leaf("b", "1").empty("c").close("a");
        assert_eq!(
            String::from_utf8(w.finish("R")).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<R xmlns=\"urn:x\"><a><b>1</b><c/></a></R>"
        );
    }
}
