// Package attest signs and verifies hallmark records as in-toto attestations.
//
// A [provenance.Record] becomes the predicate of an in-toto Statement v1
// whose predicate type is [PredicateType] and whose one subject is the
// commit: digest "gitCommit" (the commit id) and "sha256" of the raw commit
// object (the bytes `git cat-file commit <id>` prints), so that tools which
// hash a blob can check it. The statement is put in a DSSE envelope signed
// through github.com/sigstore/sigstore/pkg/signature, so that the output
// verifies with cosign, not only with hallmark.
//
//	signer, _ := attest.LoadSigner(pemBytes, password)
//	env, _ := attest.Sign(rec, commitObject, signer)
//	ring, _ := attest.NewKeyring(attest.TrustedKey{Name: "alice", Key: pub})
//	res, err := attest.Verify(env.Bytes(), &attest.VerifyOptions{Keyring: ring, Commit: id})
//
// # Envelopes and bundles
//
// [Envelope] is the raw DSSE envelope; [Bundle] wraps it as a Sigstore
// bundle v0.3 whose verification material is a public-key hint ([KeyID]).
// The signature's keyid is left empty on purpose: a non-empty one makes
// cosign and sigstore-go reject the envelope.
//
// # Verification fails closed
//
// [Verify] returns one named error per cause, all matchable with errors.Is:
// [ErrMalformed], [ErrPayloadType], [ErrStatement], [ErrBadSignature],
// [ErrUnknownKey], [ErrSubjectMismatch], [ErrDigestMismatch] and
// [ErrInvalidRecord]. A raw envelope carries no key hint, so a signature made
// by a key outside the keyring cannot be told from a damaged one and is
// reported as [ErrBadSignature]; a bundle names its key, and an unknown name
// is [ErrUnknownKey].
//
// # Keys
//
// [GenerateKey] makes ECDSA P-256 (the default), Ed25519 (pure, never
// Ed25519ph) and RSA-3072 keys. [MarshalPrivateKey] writes cosign's
// encrypted format ("ENCRYPTED SIGSTORE PRIVATE KEY", scrypt and
// secretbox), so cosign keys and hallmark keys are interchangeable.
// [LoadSigner] reads such a file (or a plain PEM key); [LoadKMSSigner]
// takes KMS references (awskms://, gcpkms://, azurekms://, hashivault://,
// or any sigstore-kms-NAME plugin on PATH, see [IsKMSRef]) through
// sigstore's kms package; see the README for compiling a provider in.
package attest
