//! Request compression for operations with Smithy's `@requestCompression` trait: the body gzip
//! compressed (RFC 1952: DEFLATE from `miniz_oxide`, our header and trailer) when it is at least
//! the configured minimum size and compression is not disabled (see
//! [`crate::config`](crate::config#request-compression)).
//!
//! Only in crates whose operations have the trait: the runtime's `request-compression` feature
//! (which the generated manifest turns on only then), or the module copied into an
//! inline-runtime crate only then.

use crate::config::Config;

/// The `Content-Encoding` of a gzip-compressed body.
pub const GZIP: &str = "gzip";

/// DEFLATE level 6, zlib's and flate2's default: most of the size gain of level 9 for much less
/// time.
const LEVEL: u8 = 6;

/// The body to send for an operation with `@requestCompression` (gzip among its encodings), and
/// its content encoding: compressed with [`GZIP`] when `config` allows it and the body is at
/// least its minimum size, else the body as it is and `None`.
pub fn compress_request(config: &Config, body: Vec<u8>) -> (Vec<u8>, Option<&'static str>) {
    let min = usize::try_from(config.request_min_compression_size_bytes()).unwrap_or(usize::MAX);
    if config.disable_request_compression() || body.len() < min {
        return (body, None);
    }
    (gzip(&body), Some(GZIP))
}

/// `data` as a gzip member: a 10-byte header (no name, no time, unknown OS), the DEFLATE
/// stream, then the CRC-32 and the length (mod 2^32) of `data`, little-endian.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let deflated = miniz_oxide::deflate::compress_to_vec(data, LEVEL);
    let mut out = Vec::with_capacity(HEADER.len() + deflated.len() + 8);
    out.extend_from_slice(&HEADER);
    out.extend_from_slice(&deflated);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    // ISIZE is the length modulo 2^32: the truncation is the format's.
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// The CRC-32 of gzip (and zlib's `crc32`): polynomial 0xEDB88320, reflected, one table.
fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xedb8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    let mut crc = !0u32;
    for &byte in data {
        crc = TABLE[((crc ^ u32::from(byte)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `data` back from a gzip member, checking its framing.
    fn gunzip(member: &[u8]) -> Vec<u8> {
        assert_eq!(
            &member[..4],
            &[0x1f, 0x8b, 8, 0],
            "magic, deflate, no flags"
        );
        let trailer = &member[member.len() - 8..];
        let data = miniz_oxide::inflate::decompress_to_vec(&member[10..member.len() - 8])
            .expect("a valid DEFLATE stream");
        assert_eq!(trailer[..4], crc32(&data).to_le_bytes(), "CRC-32");
        assert_eq!(trailer[4..], (data.len() as u32).to_le_bytes(), "ISIZE");
        data
    }

    #[test]
    fn crc32_is_the_standard_one() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414f_a339
        );
    }

    #[test]
    fn gzip_round_trips_and_shrinks_repetitive_text() {
        for data in [
            Vec::new(),
            b"{}".to_vec(),
            br#"{"data":"abc"}"#.repeat(2000),
            (0..=255u8).cycle().take(70_000).collect(),
        ] {
            assert_eq!(gunzip(&gzip(&data)), data);
        }
        let text = br#"{"data":"abc"}"#.repeat(2000);
        assert!(gzip(&text).len() < text.len() / 10);
    }

    #[test]
    fn bodies_below_the_minimum_or_with_compression_disabled_go_as_they_are() {
        let config = Config::builder().build();
        let small = vec![b'a'; 10239];
        assert_eq!(compress_request(&config, small.clone()), (small, None));
        let large = vec![b'a'; 10240];
        let (sent, encoding) = compress_request(&config, large.clone());
        assert_eq!((gunzip(&sent), encoding), (large.clone(), Some(GZIP)));

        let disabled = Config::builder().disable_request_compression(true).build();
        assert_eq!(
            compress_request(&disabled, large.clone()),
            (large.clone(), None)
        );
        let always = Config::builder()
            .request_min_compression_size_bytes(0)
            .build();
        assert_eq!(compress_request(&always, Vec::new()).1, Some(GZIP));
        let huge = Config::builder()
            .request_min_compression_size_bytes(u32::MAX)
            .build();
        assert_eq!(huge.request_min_compression_size_bytes(), 10 * 1024 * 1024);
    }

    #[test]
    fn settings_come_from_the_environment_and_invalid_ones_are_ignored() {
        let config = |vars: &'static [(&'static str, &'static str)]| {
            crate::config::ConfigBuilder::from_env_with(move |name| {
                vars.iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            })
            .build()
        };
        let set = config(&[
            ("AWS_CONFIG_FILE", "/nonexistent"),
            ("AWS_DISABLE_REQUEST_COMPRESSION", "TRUE"),
            ("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "128"),
        ]);
        assert!(set.disable_request_compression());
        assert_eq!(set.request_min_compression_size_bytes(), 128);
        let invalid = config(&[
            ("AWS_CONFIG_FILE", "/nonexistent"),
            ("AWS_DISABLE_REQUEST_COMPRESSION", "yes"),
            ("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "10485761"),
        ]);
        assert!(!invalid.disable_request_compression());
        assert_eq!(invalid.request_min_compression_size_bytes(), 10240);
        assert_eq!(invalid.invalid_settings(), None);
    }
}
