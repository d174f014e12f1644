// Package screen checks job offers for deceptive-recruitment red flags,
// extracts the contacts they give, and links near-duplicate ads and ads that
// share contacts into networks. Its parts are pure logic: normalize (text
// with offsets), contact (phones, WhatsApp, e-mail, handles), flags
// (taxonomy, rules, calibrated score) and similar (MinHash, LSH, clusters).
package screen
