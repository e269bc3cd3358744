package a // want package:"own ai=2 mixed=0 of 8; closure 4 pkgs ai=6 mixed=1 of 21" "package a is sensitive and 25% of its lines were written by models \\(at most 20% allowed\\)"

//hallmark:sensitive

import (
	_ "b" // ai
	_ "c" // ai
)
