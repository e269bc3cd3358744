package d // want package:"own ai=3 mixed=0 of 5; closure 1 pkgs ai=3 mixed=0 of 5"

func D() int { // ai
	return 1 // ai
} // ai
