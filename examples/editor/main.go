// Command editor is a language server (LSP over standard input and output)
// that an editor plugin starts to record who wrote each line: the person's
// keystrokes, or a model's accepted inline completion.
//
// It tracks each open document in memory through didOpen and didChange
// (hallmark's repo.Buffer), without writing unsaved text anywhere, and on
// didSave stores the document's attribution as the file's pending
// attribution, so that the next commit's record has it. An inline
// completion plugin accepts a suggestion by calling the command
// "hallmark.acceptCompletion" with {uri, position, text, model}: the server
// asks the editor to insert it (workspace/applyEdit) and attributes that
// change to the model. "hallmark.lineAuthors" with {uri} answers what the
// server knows of each line.
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	if err := newServer(context.Background(), os.Stdout, os.Stderr).serve(os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "hallmark-lsp:", err)
		os.Exit(1)
	}
}
