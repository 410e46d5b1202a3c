//! An invoice's raw JSON as the store keeps it: LZ4-compressed against a fixed dictionary of
//! Xero's invoice fields, behind a one-byte tag.
//!
//! The raw JSON (1.3 KB an invoice with three line items) was 40 % of what a first sync wrote:
//! at 100k invoices 2.5 s of a 6.1 s ingest went to the raw side table alone
//! (docs/benchmarks.md, "fourth step"), every byte of it encrypted, MAC-ed, written to the WAL
//! and copied again by the checkpoint. Most of an invoice's bytes are Xero's field names, and
//! one record alone is too short for LZ4 to find them repeated (1.5× smaller); against a
//! dictionary holding those names (`raw_dictionary_v1.txt`: field names and structure, no data)
//! it is 2.6× smaller (2,000 generated invoices: 1.47× without the dictionary).
//!
//! The dictionary is part of the stored format: a value packed with it can only be read with
//! the same bytes, so the file never changes (a test pins its hash); a better one would get the
//! next tag. Rows written before are JSON text (the column's BLOB affinity converts nothing);
//! JSON never begins with the tag byte, so the two are told apart.

use crate::{Error, Result};
use std::borrow::Cow;

/// First byte of a value packed against [`DICTIONARY_V1`], followed by the decompressed length
/// (u32, little-endian) and the LZ4 block.
const LZ4_DICT_V1: u8 = 1;
const DICTIONARY_V1: &[u8] = include_bytes!("raw_dictionary_v1.txt");
/// No Xero record comes near this; a larger length is damage, not a record to allocate for.
const MAX_RECORD: usize = 64 << 20;

/// The stored form of `json`.
pub(crate) fn pack(json: &str) -> Vec<u8> {
    let block = lz4_flex::block::compress_with_dict(json.as_bytes(), DICTIONARY_V1);
    let mut out = Vec::with_capacity(5 + block.len());
    out.push(LZ4_DICT_V1);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&block);
    out
}

/// The JSON text of a stored value, packed or (written before packing) plain.
pub(crate) fn unpack(stored: &[u8]) -> Result<Cow<'_, str>> {
    let corrupt = |what: &str| Error::Corrupt(format!("stored Xero record {what}"));
    match stored.split_first() {
        Some((&LZ4_DICT_V1, rest)) => {
            let (len, block) = rest.split_first_chunk::<4>().ok_or_else(|| corrupt("is cut short"))?;
            let len = u32::from_le_bytes(*len) as usize;
            if len > MAX_RECORD {
                return Err(corrupt("claims an impossible length"));
            }
            let bytes = lz4_flex::block::decompress_with_dict(block, len, DICTIONARY_V1)
                .map_err(|e| corrupt(&format!("does not decompress: {e}")))?;
            if bytes.len() != len {
                return Err(corrupt("decompresses to the wrong length"));
            }
            String::from_utf8(bytes).map(Cow::Owned).map_err(|_| corrupt("is not UTF-8 text"))
        }
        _ => std::str::from_utf8(stored).map(Cow::Borrowed).map_err(|_| corrupt("is not UTF-8 text")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    const INVOICE: &str = r#"{"Type":"ACCREC","InvoiceID":"5b2346af-0039-48bf-a696-ea9b4ce5e98d","InvoiceNumber":"INV-0004","Reference":"Order 7003","Payments":[],"AmountDue":287.55,"Contact":{"ContactID":"701ebd76-125b-4445-8608-7e0575b2b3d9","Name":"Elektro Baumann AG"},"LineItems":[{"Description":"Müsli, 12 × 500 g","UnitAmount":287.55,"TaxType":"OUTPUT2","TaxAmount":45.91,"LineAmount":287.55,"AccountCode":"200","Quantity":1.0000,"LineItemID":"e47626b9-e103-4f27-bfdc-89cb64d7af57"}],"Status":"AUTHORISED","UpdatedDateUTC":"\/Date(1733788800000+0000)\/","CurrencyCode":"EUR"}"#;

    #[test]
    fn a_packed_record_unpacks_to_the_same_text_and_is_much_smaller() {
        let packed = pack(INVOICE);
        assert_eq!(packed[0], LZ4_DICT_V1);
        assert!(packed.len() * 3 < INVOICE.len() * 2, "{} bytes packed, {} plain", packed.len(), INVOICE.len());
        assert_eq!(unpack(&packed).unwrap(), INVOICE);
        assert_eq!(unpack(&pack("")).unwrap(), "");
    }

    #[test]
    fn a_record_stored_as_text_before_packing_reads_as_it_is() {
        assert!(matches!(unpack(INVOICE.as_bytes()).unwrap(), Cow::Borrowed(s) if s == INVOICE));
    }

    #[test]
    fn damaged_bytes_are_refused_as_corrupt_not_returned() {
        let packed = pack(INVOICE);
        for damaged in [
            &packed[..packed.len() / 2],
            &packed[..3],
            &[0xff, 0xfe][..],
            &[LZ4_DICT_V1, 0xff, 0xff, 0xff, 0xff, 0][..],
        ] {
            assert!(matches!(unpack(damaged), Err(Error::Corrupt(_))), "{damaged:?}");
        }
        let mut wrong_length = packed.clone();
        wrong_length[1] = wrong_length[1].wrapping_add(1);
        assert!(matches!(unpack(&wrong_length), Err(Error::Corrupt(_))));
    }

    /// Stored values can only be read with the dictionary they were packed with.
    #[test]
    fn the_dictionary_never_changes() {
        assert_eq!(
            hex::encode(Sha256::digest(DICTIONARY_V1)),
            "7439c9893fbf604066a60beda507c63497fbde5a9b03b93fa8b699be095d5aca",
            "raw_dictionary_v1.txt is part of the stored format: add a new dictionary under a new tag instead"
        );
    }
}
