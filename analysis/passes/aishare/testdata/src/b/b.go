package b // want package:"own ai=0 mixed=0 of 3; closure 2 pkgs ai=3 mixed=0 of 8"

import _ "d"
