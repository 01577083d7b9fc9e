//! Previews of attached pictures: about 320 px on the long side, JPEG,
//! under 20 KB, made with the `image` crate (JPEG, PNG and WebP decoders
//! only) under limits that refuse decompression bombs.

use std::io::Cursor;

use convene_protocol::attachment::MediaType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// Longest side of a preview, in pixels.
pub const PREVIEW_SIDE: u32 = 320;
/// Largest preview, in bytes.
pub const PREVIEW_MAX_BYTES: usize = 20_000;
/// Widest or tallest picture decoded.
pub const MAX_SIDE: u32 = 12_000;
/// Most memory a decoder may take.
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// A preview of a picture's bytes, turned by its EXIF `orientation`.
pub fn make(bytes: &[u8], media_type: MediaType, orientation: Option<u8>) -> Result<Vec<u8>, String> {
    let format = match media_type {
        MediaType::Jpeg => ImageFormat::Jpeg,
        MediaType::Png => ImageFormat::Png,
        MediaType::Webp => ImageFormat::WebP,
        MediaType::Pdf => return Err("a PDF has no preview".into()),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let picture = reader.decode().map_err(|error| format!("the picture cannot be read: {error}"))?;
    let picture = orient(picture.thumbnail(PREVIEW_SIDE, PREVIEW_SIDE), orientation);
    let mut picture = DynamicImage::ImageRgb8(picture.to_rgb8());
    loop {
        for quality in [80, 65, 50, 35, 20] {
            let mut out = Vec::new();
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
            picture.write_with_encoder(encoder).map_err(|error| format!("the preview cannot be made: {error}"))?;
            if out.len() < PREVIEW_MAX_BYTES {
                return Ok(out);
            }
        }
        // Still too large (a noisy picture): smaller.
        let side = picture.width().max(picture.height()) * 3 / 4;
        if side < 16 {
            return Err("the preview cannot be made small enough".into());
        }
        picture = picture.thumbnail(side, side);
    }
}

/// Turns a picture upright by the EXIF orientation (1–8).
fn orient(picture: DynamicImage, orientation: Option<u8>) -> DynamicImage {
    match orientation {
        Some(2) => picture.fliph(),
        Some(3) => picture.rotate180(),
        Some(4) => picture.flipv(),
        Some(5) => picture.rotate90().fliph(),
        Some(6) => picture.rotate90(),
        Some(7) => picture.rotate270().fliph(),
        Some(8) => picture.rotate270(),
        _ => picture,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A noisy picture (hard to compress) of `width` × `height`, as a PNG.
    fn noisy_png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            let n = x.wrapping_mul(2_654_435_761).wrapping_add(y.wrapping_mul(40_503)) >> 7;
            image::Rgb([n as u8, (n >> 8) as u8, (n >> 16) as u8])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(picture).write_to(&mut Cursor::new(&mut out), ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_preview_is_small_and_upright() {
        let preview = make(&noisy_png(1200, 800), MediaType::Png, Some(6)).unwrap();
        assert!(preview.len() < PREVIEW_MAX_BYTES, "{}", preview.len());
        let picture = image::load_from_memory_with_format(&preview, ImageFormat::Jpeg).unwrap();
        assert!(picture.height() <= PREVIEW_SIDE && picture.height() > picture.width(), "turned a quarter");
    }

    #[test]
    fn bombs_and_garbage_are_refused() {
        // A PNG header claiming 100,000 × 100,000 pixels.
        let mut bomb = noisy_png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(make(&bomb, MediaType::Png, None).is_err());
        assert!(make(b"\xFF\xD8\xFF garbage", MediaType::Jpeg, None).is_err());
        assert!(make(b"%PDF-1.4", MediaType::Pdf, None).is_err());
    }
}
