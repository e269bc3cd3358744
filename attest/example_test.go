package attest_test

import (
	"errors"
	"fmt"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/provenance"
)

func Example() {
	// A commit object as `git cat-file commit <id>` prints it, and its id.
	object := []byte("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.com> 1700000000 +0000\ncommitter A <a@example.com> 1700000000 +0000\n\ninit\n")
	id := attest.GitObjectID(object, 40)
	rec := &provenance.Record{
		Commit:   id,
		Authors:  []provenance.Author{{Kind: provenance.Person, Name: "A", Email: "a@example.com"}},
		Files:    []provenance.File{},
		Recorder: provenance.Recorder{Name: "example"},
	}

	priv, _ := attest.GenerateKey(attest.ECDSAP256)
	signer, _ := attest.NewSigner(priv)
	env, err := attest.Sign(rec, object, signer)
	if err != nil {
		panic(err)
	}

	ring, _ := attest.NewKeyring(attest.TrustedKey{Name: "alice", Key: priv.Public()})
	res, err := attest.Verify(env.Bytes(), &attest.VerifyOptions{Keyring: ring, Commit: id, CommitObject: object})
	fmt.Println(err, res.Signers)

	// The same attestation presented for another commit fails closed.
	_, err = attest.Verify(env.Bytes(), &attest.VerifyOptions{Keyring: ring, Commit: "1111111111111111111111111111111111111111"})
	fmt.Println(errors.Is(err, attest.ErrSubjectMismatch))
	// Output:
	// <nil> [alice]
	// true
}
