// GNU readline for Alongside's interactive console.
// readline.h uses FILE without including <stdio.h> itself, so it must come first.
#ifndef ALONGSIDE_CREADLINE_SHIM_H
#define ALONGSIDE_CREADLINE_SHIM_H

#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

#endif
