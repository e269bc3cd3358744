package attest

import (
	"errors"
	"fmt"
)

// The causes for which verification fails. Each error returned by [Verify]
// wraps exactly one of them.
var (
	ErrMalformed       = errors.New("attest: malformed envelope")
	ErrPayloadType     = errors.New("attest: wrong payload type")
	ErrStatement       = errors.New("attest: not a hallmark statement")
	ErrNoSignature     = errors.New("attest: envelope has no signature")
	ErrBadSignature    = errors.New("attest: bad signature")
	ErrUnknownKey      = errors.New("attest: unknown key")
	ErrSubjectMismatch = errors.New("attest: subject mismatch")
	ErrDigestMismatch  = errors.New("attest: digest mismatch")
	ErrInvalidRecord   = errors.New("attest: invalid record")
	ErrNoKeys          = errors.New("attest: no trusted keys")
)

// Errors about keys.
var (
	ErrKeyPassword = errors.New("attest: wrong password for private key")
	ErrKeyFormat   = errors.New("attest: unsupported key")
	// ErrDuplicateKey: two keys of a keyring have one name. It wraps
	// ErrKeyFormat.
	ErrDuplicateKey = fmt.Errorf("%w: two trusted keys of one name", ErrKeyFormat)
)
