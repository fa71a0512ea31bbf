// The functions are inline in include/CPoller.h; this file makes the target a C library.
