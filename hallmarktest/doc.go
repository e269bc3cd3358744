// Package hallmarktest is a test kit for programs that embed hallmark: agent
// harnesses, editor plugins, review bots. It is to hallmark what
// testing/slogtest is to log/slog handlers: the checks a vendor runs against
// its own integration, with real git, real keys and real signatures.
//
//	func TestMyAgent(t *testing.T) {
//		r := hallmarktest.NewRepo(t)               // isolated from the user's git config
//		key := hallmarktest.NewKey(t, "agent")     // a real ECDSA P-256 key
//		runMyAgent(t, r.Dir, key.Signer)           // edits, checkpoints, commits, stamps
//		rec := r.StoredRecord("HEAD", hallmarktest.Keyring(t, key))
//		hallmarktest.ExpectLines(t, rec, "main.go",
//			hallmarktest.Want{From: 1, To: 3, Class: provenance.AI, Who: "anthropic/claude-opus-4-5-20251101"})
//	}
//
// # Scratch repositories
//
// [NewRepo] makes a repository in a temporary directory with git's global and
// system configuration shut out (GIT_CONFIG_GLOBAL=/dev/null,
// GIT_CONFIG_NOSYSTEM=1, HOME and XDG_CONFIG_HOME in a temporary directory), a
// fixed identity ("Ada Human <ada@example.com>") and a clock that advances one
// minute per git command, so that commit ids are the same on every run. The
// settings are made with t.Setenv, so that the library's own git processes,
// the hooks git runs and any program the test starts see them too; a test
// that uses the kit cannot call t.Parallel.
//
// # Keys
//
// [NewKey] generates a real key through attest.GenerateKey and gives its
// signer, its PEM files and a keyring; nothing is canned.
//
// # Reading back
//
// [Repo.StoredRecord] and [ReadRecord] read a commit's note through git itself
// and return the record whose signature verifies against a keyring, over the
// raw commit object. [ExpectLines] and [CheckLines] compare the class and
// model of every line of a file of that record with what the test expects.
//
// # Conformance
//
// [Conformance] runs a vendor's [Integration] in a fresh repository and checks
// what every integration must do: its commit gets a record that verifies,
// whose spans cover exactly the lines git says the commit added, and the
// record survives `git commit --amend` and `git rebase` (through hooks the
// integration installs) with every line keeping its class and model.
package hallmarktest
