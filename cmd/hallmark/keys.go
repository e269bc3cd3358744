package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// passwordEnv holds the password of private keys, as COSIGN_PASSWORD does
// for cosign.
const passwordEnv = "HALLMARK_PASSWORD"

func newKeys() *cobra.Command {
	keys := &cobra.Command{
		Use:   "keys",
		Short: "Generate signing keys",
	}
	var alg, output string
	var force bool
	gen := &cobra.Command{
		Use:   "generate --output PREFIX",
		Short: "Generate a key pair: PREFIX.key (encrypted) and PREFIX.pub",
		Long: `Generate a key pair. The private key PREFIX.key is encrypted with the
password in HALLMARK_PASSWORD, in cosign's format, so cosign can use it too
(COSIGN_PASSWORD); PREFIX.pub is a PEM public key to give to verifiers.

  HALLMARK_PASSWORD=... hallmark keys generate --output ci
  hallmark keys generate --algorithm ed25519 --output me`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output == "" {
				return usagef("--output PREFIX is required")
			}
			priv, err := attest.GenerateKey(attest.Algorithm(alg))
			if err != nil {
				return usagef("%v", err)
			}
			password, set := os.LookupEnv(passwordEnv)
			if !set {
				fmt.Fprintf(cmd.ErrOrStderr(), "hallmark: warning: %s is not set; the private key is encrypted with an empty password\n", passwordEnv)
			}
			privPEM, err := attest.MarshalPrivateKey(priv, []byte(password))
			if err != nil {
				return err
			}
			pubPEM, err := attest.MarshalPublicKey(priv.Public())
			if err != nil {
				return err
			}
			keyPath, pubPath := output+".key", output+".pub"
			if !force {
				for _, p := range []string{keyPath, pubPath} {
					if _, err := os.Stat(p); err == nil {
						return fmt.Errorf("%s already exists: pass --force to overwrite it", p)
					}
				}
			}
			if err := writeFileAtomic(keyPath, privPEM, 0o600); err != nil {
				return err
			}
			if err := writeFileAtomic(pubPath, pubPEM, 0o644); err != nil {
				return err
			}
			id, _ := attest.KeyID(priv.Public())
			if wantJSON(cmd) {
				return encodeJSON(cmd.OutOrStdout(), map[string]string{"private_key": keyPath, "public_key": pubPath, "algorithm": alg, "key_id": id})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s and %s (%s, key id %s)\n", keyPath, pubPath, attest.Algorithm(alg), id)
			return nil
		},
	}
	gen.Flags().StringVar(&alg, "algorithm", string(attest.ECDSAP256), "ecdsa-p256, ed25519 or rsa-3072")
	gen.Flags().StringVarP(&output, "output", "o", "", "path prefix of the two files to write")
	gen.Flags().BoolVar(&force, "force", false, "overwrite existing files")
	addJSONFlag(gen)
	keys.AddCommand(gen)
	return keys
}

// keyPasswordError is an encrypted key that the password does not open,
// said once, without the decryption library's words.
type keyPasswordError struct {
	key   string
	unset bool // HALLMARK_PASSWORD is not set, or empty
	typed bool // the password was typed at the prompt
}

func (e *keyPasswordError) Error() string {
	if e.typed {
		return fmt.Sprintf("the password typed does not open the key %s", e.key)
	}
	if e.unset {
		return fmt.Sprintf("the key %s is encrypted and %s is not set", e.key, passwordEnv)
	}
	return fmt.Sprintf("%s does not open the key %s", passwordEnv, e.key)
}

func (e *keyPasswordError) Unwrap() error { return attest.ErrKeyPassword }

// writeFileAtomic writes through a temporary file and a rename, so a failure
// never leaves half a key behind.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("cannot write %s: the directory %s does not exist (create it first, or write elsewhere)", path, dir)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, errors.Unwrap(err))
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// attestSignerVerifier is a signing key.
type attestSignerVerifier = signature.SignerVerifier

// loadSigner reads a private key file, or opens a KMS reference.
func loadSigner(ctx context.Context, ref string) (signature.SignerVerifier, error) {
	password, set := os.LookupEnv(passwordEnv)
	opts := &attest.SignerOptions{Password: []byte(password)}
	typed := false
	if !set {
		// On a terminal, ask, as cosign does; hooks and scripts have none.
		opts.AskPassword = func(ref string) ([]byte, bool) {
			p, ok := promptPassword(ref)
			typed = ok
			return []byte(p), ok
		}
	}
	s, err := attest.OpenSigner(ctx, ref, opts)
	if errors.Is(err, attest.ErrKeyPassword) {
		return nil, &keyPasswordError{key: ref, unset: !typed && (!set || password == ""), typed: typed}
	}
	return s, err
}

// loadKeyring reads public keys, named after their files ("alice.pub" is
// "alice"), or "NAME=PATH" to name one.
func loadKeyring(paths []string) (*attest.Keyring, error) {
	if len(paths) == 0 {
		return nil, usagef("no trusted key: pass --key PUB (a public key file)")
	}
	ring, err := attest.LoadKeyring(paths)
	if errors.Is(err, attest.ErrDuplicateKey) {
		return nil, usagef("%v (name keys with NAME=PATH)", err)
	}
	return ring, err
}

// promptPassword asks for a key's password on the terminal, when both
// standard input and standard error are one.
func promptPassword(key string) (string, bool) {
	if !term.IsTerminal(int(os.Stdin.Fd())) || !term.IsTerminal(int(os.Stderr.Fd())) {
		return "", false
	}
	fmt.Fprintf(os.Stderr, "Enter password for private key %s: ", key)
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", false
	}
	return string(b), true
}
