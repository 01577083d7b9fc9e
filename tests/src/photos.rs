//! Photos for tests: a real JPEG carrying location and camera metadata, and
//! plain photos of about a given size.

use std::io::Cursor;

/// An EXIF APP1 segment, built by hand: IFD0 with the camera's make and a
/// pointer to a GPS IFD holding a latitude and a processing method
/// ("GPS-FIX"), so the bytes `GPS` and `Exif` are there to look for.
pub fn exif_segment() -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0 at 8: 2 entries (make, GPS pointer), next IFD 0.
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        tiff.extend_from_slice(&tag.to_be_bytes());
        tiff.extend_from_slice(&kind.to_be_bytes());
        tiff.extend_from_slice(&count.to_be_bytes());
        tiff.extend_from_slice(&value.to_be_bytes());
    };
    let ifd0_end = 8 + 2 + 2 * 12 + 4;
    let make_at = ifd0_end as u32;
    let make = b"CameraCo Model 7\0";
    let gps_at = make_at + make.len() as u32;
    tiff.extend_from_slice(&2u16.to_be_bytes());
    entry(&mut tiff, 0x010F, 2, make.len() as u32, make_at);
    entry(&mut tiff, 0x8825, 4, 1, gps_at);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(make);
    // GPS IFD: latitude ref, latitude (3 rationals), processing method.
    let gps_end = gps_at + 2 + 3 * 12 + 4;
    let latitude_at = gps_end;
    let method = b"ASCII\0\0\0GPS-FIX";
    let method_at = latitude_at + 24;
    tiff.extend_from_slice(&3u16.to_be_bytes());
    entry(&mut tiff, 0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0"));
    entry(&mut tiff, 0x0002, 5, 3, latitude_at);
    entry(&mut tiff, 0x001B, 7, method.len() as u32, method_at);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    for (numerator, denominator) in [(12u32, 1u32), (34, 1), (5678, 100)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    tiff.extend_from_slice(method);
    let mut body = b"Exif\0\0".to_vec();
    body.extend_from_slice(&tiff);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(&body);
    segment
}

/// A real JPEG photo (800 × 600, noisy) with the EXIF segment and an XMP
/// packet naming a place, right after its start.
pub fn photo_with_gps() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(800, 600, |x, y| {
        let n = x.wrapping_mul(2_654_435_761).wrapping_add(y.wrapping_mul(40_503)) >> 9;
        image::Rgb([n as u8, (x / 4) as u8, (y / 3) as u8])
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(picture).write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
    let xmp_body =
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>12,34.5N</exif:GPSLatitude></x:xmpmeta>";
    let mut xmp = vec![0xFF, 0xE1];
    xmp.extend_from_slice(&((xmp_body.len() + 2) as u16).to_be_bytes());
    xmp.extend_from_slice(xmp_body);
    [&jpeg[..2], &exif_segment(), &xmp, &jpeg[2..]].concat()
}

/// A JPEG of about `kb` kilobytes (within a fifth), different for each
/// `seed`: noise, which JPEG cannot shrink much, sized to fit.
pub fn photo_of_about(seed: u64, kb: usize) -> Vec<u8> {
    let target = kb * 1000;
    let mut side = 400.0f64;
    loop {
        let (width, height) = (side as u32, (side * 0.75) as u32);
        let mut noise = crate::XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let picture = image::RgbImage::from_fn(width, height, |_, _| {
            let x = noise.next_u64();
            image::Rgb([x as u8, (x >> 8) as u8, (x >> 16) as u8])
        });
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageRgb8(picture)
            .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
            .expect("a JPEG encodes");
        let ratio = target as f64 / jpeg.len() as f64;
        if (0.8..1.2).contains(&ratio) || width < 16 {
            return jpeg;
        }
        side *= ratio.sqrt();
    }
}

/// A PDF of exactly `size` bytes that does not compress, different for
/// each `seed` (a PDF is stored as given, with no preview).
pub fn pdf_of(seed: u64, size: usize) -> Vec<u8> {
    let mut noise = crate::XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut bytes = b"%PDF-1.7\n".to_vec();
    while bytes.len() < size {
        bytes.extend_from_slice(&noise.next_u64().to_le_bytes());
    }
    bytes.truncate(size);
    bytes
}
