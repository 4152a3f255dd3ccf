//! Checksums of a request body in its headers: the MD5 in `Content-MD5` for the operations
//! with Smithy's `@httpChecksumRequired`, and the SHA-256 and SHA-256 tree hash in
//! `X-Amz-Content-Sha256` and `X-Amz-Sha256-Tree-Hash` for the services that ask for them
//! (Glacier: see the generator's `customizations.rs`).
//!
//! The tree hash is Glacier's: the SHA-256 of each MiB of the body, then of each pair of those
//! hashes, level by level, until one is left (an odd one out goes up a level as it is).

use ring::digest::{Context, Digest, SHA256};

use super::HttpRequest;
use crate::error::{RequestError, RequestErrorKind};

/// The size of the leaves of the tree hash.
const MIB: usize = 1024 * 1024;

const CONTENT_SHA256: &str = "x-amz-content-sha256";
const TREE_HASH: &str = "x-amz-sha256-tree-hash";

/// Adds the MD5 of `request`'s body, in base64, as `Content-MD5`, unless the input set it
/// (`@httpChecksumRequired`; the body is in memory: the generator refuses the trait on a
/// streaming payload).
pub fn add_content_md5(request: &mut HttpRequest) {
    use md5::Digest as _;
    if request.headers.contains_key("content-md5") {
        return;
    }
    let digest = md5::Md5::digest(&request.body);
    let text = crate::primitives::base64::encode(digest.as_slice());
    if let Ok(value) = http::HeaderValue::from_str(&text) {
        request
            .headers
            .insert(http::HeaderName::from_static("content-md5"), value);
    }
}

/// Adds the body's SHA-256 and tree hash to `request`, each unless the input set it. A streamed
/// body is read once to hash it (from a copy: a file is read twice), so it must be one that can
/// be read again; a reader cannot, and is refused.
pub async fn add_tree_hash_checksums(request: &mut HttpRequest) -> Result<(), RequestError> {
    if request.headers.contains_key(CONTENT_SHA256) && request.headers.contains_key(TREE_HASH) {
        return Ok(());
    }
    let mut hasher = TreeHasher::default();
    match &request.payload_stream {
        None => hasher.update(&request.body),
        Some(stream) => match stream.bytes() {
            Some(bytes) => hasher.update(bytes),
            None => {
                let mut copy = stream.try_clone().ok_or_else(|| {
                    RequestError::new(
                        RequestErrorKind::InvalidInput,
                        "the request body must be hashed before it is sent, so it must be one that can be read twice (bytes or a file), not a reader",
                    )
                })?;
                while let Some(chunk) = copy.next().await {
                    let chunk = chunk.map_err(|e| {
                        RequestError::new(
                            RequestErrorKind::InvalidInput,
                            format!("cannot read the request body to hash it: {e}"),
                        )
                    })?;
                    hasher.update(&chunk);
                }
            }
        },
    }
    let (sha256, tree) = hasher.finish();
    for (name, value) in [(CONTENT_SHA256, sha256), (TREE_HASH, tree)] {
        if !request.headers.contains_key(name) {
            let value = http::HeaderValue::from_str(&value).map_err(|_| {
                RequestError::new(
                    RequestErrorKind::InvalidInput,
                    "a hash is not a header value",
                )
            })?;
            request
                .headers
                .insert(http::HeaderName::from_static(name), value);
        }
    }
    Ok(())
}

/// The SHA-256 and the tree hash of bytes given in pieces of any size.
#[derive(Default)]
struct TreeHasher {
    whole: Option<Context>,
    leaf: Option<Context>,
    leaf_len: usize,
    leaves: Vec<Digest>,
}

impl TreeHasher {
    fn update(&mut self, mut bytes: &[u8]) {
        self.whole
            .get_or_insert_with(|| Context::new(&SHA256))
            .update(bytes);
        while !bytes.is_empty() {
            let take = (MIB - self.leaf_len).min(bytes.len());
            self.leaf
                .get_or_insert_with(|| Context::new(&SHA256))
                .update(&bytes[..take]);
            self.leaf_len += take;
            bytes = &bytes[take..];
            if self.leaf_len == MIB {
                self.end_leaf();
            }
        }
    }

    fn end_leaf(&mut self) {
        if let Some(leaf) = self.leaf.take() {
            self.leaves.push(leaf.finish());
        }
        self.leaf_len = 0;
    }

    /// The SHA-256 and the tree hash, in lower-case hexadecimal.
    fn finish(mut self) -> (String, String) {
        self.end_leaf();
        let whole = self.whole.unwrap_or_else(|| Context::new(&SHA256)).finish();
        // An empty body has one (empty) leaf: its tree hash is its SHA-256.
        let mut level = if self.leaves.is_empty() {
            vec![whole]
        } else {
            self.leaves
        };
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| match pair {
                    [a, b] => {
                        let mut context = Context::new(&SHA256);
                        context.update(a.as_ref());
                        context.update(b.as_ref());
                        context.finish()
                    }
                    [odd] => *odd,
                    _ => unreachable!("chunks of two"),
                })
                .collect();
        }
        (hex(whole.as_ref()), hex(level[0].as_ref()))
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(bytes: &[u8], piece: usize) -> (String, String) {
        let mut hasher = TreeHasher::default();
        for chunk in bytes.chunks(piece.max(1)) {
            hasher.update(chunk);
        }
        hasher.finish()
    }

    fn sha256(bytes: &[u8]) -> Digest {
        ring::digest::digest(&SHA256, bytes)
    }

    #[test]
    fn content_md5_is_the_base64_md5_of_the_body_unless_set() {
        let mut request = HttpRequest {
            method: http::Method::POST,
            path_and_query: "/".into(),
            headers: http::HeaderMap::new(),
            body: b"abc".to_vec(),
            content_type: None,
            payload_stream: None,
            streaming_response: false,
            content_encoding: None,
        };
        add_content_md5(&mut request);
        // RFC 1321's test vector: MD5("abc") = 900150983cd24fb0d6963f7d28e17f72.
        assert_eq!(request.headers["content-md5"], "kAFQmDzST7DWlj99KOF/cg==");
        request.body = b"other".to_vec();
        add_content_md5(&mut request);
        assert_eq!(request.headers["content-md5"], "kAFQmDzST7DWlj99KOF/cg==");
    }

    #[test]
    fn one_leaf_is_the_sha256_of_the_body() {
        let (whole, tree) = hashes(b"hello world", 3);
        assert_eq!(
            whole,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(tree, whole);
        let (empty, empty_tree) = hashes(b"", 1);
        assert_eq!(
            empty,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(empty_tree, empty);
    }

    #[test]
    fn three_and_a_half_mib_hash_as_a_tree_whatever_the_pieces() {
        let body: Vec<u8> = (0..(3 * MIB + MIB / 2)).map(|i| (i % 253) as u8).collect();
        let leaves: Vec<Digest> = body.chunks(MIB).map(sha256).collect();
        let pair = |a: &Digest, b: &Digest| sha256(&[a.as_ref(), b.as_ref()].concat());
        // Four leaves: ((0 1) (2 3)).
        let expected = pair(&pair(&leaves[0], &leaves[1]), &pair(&leaves[2], &leaves[3]));
        for piece in [1000, MIB, 64 * 1024 + 7, body.len()] {
            let (whole, tree) = hashes(&body, piece);
            assert_eq!(whole, hex(sha256(&body).as_ref()));
            assert_eq!(tree, hex(expected.as_ref()), "pieces of {piece}");
        }
        // Three leaves: the odd one goes up as it is: ((0 1) 2).
        let three = &body[..2 * MIB + 10];
        let leaves: Vec<Digest> = three.chunks(MIB).map(sha256).collect();
        let expected = pair(&pair(&leaves[0], &leaves[1]), &leaves[2]);
        assert_eq!(hashes(three, 4096).1, hex(expected.as_ref()));
    }
}
