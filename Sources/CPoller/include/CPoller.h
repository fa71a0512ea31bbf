// Readiness of sockets for the decision service: epoll on Linux, kqueue on macOS and the BSDs.
// Each registration fires once and must be re-armed, so one worker owns a connection at a time.
// In C because Swift's C library module on Linux does not bring in <sys/epoll.h>.
#ifndef CPOLLER_H
#define CPOLLER_H

#if defined(__linux__)
#include <sys/epoll.h>

static inline int cpoller_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static inline int cpoller_arm(int poller, int fd, unsigned long long token, int first) {
    struct epoll_event event;
    event.events = EPOLLIN | EPOLLONESHOT | EPOLLRDHUP;
    event.data.u64 = token;
    return epoll_ctl(poller, first ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
}

static inline int cpoller_remove(int poller, int fd) {
    struct epoll_event event = {0};
    return epoll_ctl(poller, EPOLL_CTL_DEL, fd, &event);
}

static inline int cpoller_wait(int poller, unsigned long long *tokens, int capacity, int milliseconds) {
    struct epoll_event events[16];
    if (capacity > 16) capacity = 16;
    int n = epoll_wait(poller, events, capacity, milliseconds);
    for (int i = 0; i < n; i++) tokens[i] = events[i].data.u64;
    return n;
}

#else  // Darwin and the BSDs
#include <stdint.h>
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>

static inline int cpoller_create(void) { return kqueue(); }

static inline int cpoller_arm(int poller, int fd, unsigned long long token, int first) {
    (void)first;
    struct kevent change;
    EV_SET(&change, fd, EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0, (void *)(uintptr_t)token);
    return kevent(poller, &change, 1, NULL, 0, NULL);
}

static inline int cpoller_remove(int poller, int fd) {
    struct kevent change;
    EV_SET(&change, fd, EVFILT_READ, EV_DELETE, 0, 0, NULL);
    return kevent(poller, &change, 1, NULL, 0, NULL);
}

static inline int cpoller_wait(int poller, unsigned long long *tokens, int capacity, int milliseconds) {
    struct kevent events[16];
    if (capacity > 16) capacity = 16;
    // A negative time waits for ever, as with epoll_wait.
    struct timespec timeout = { milliseconds / 1000, (long)(milliseconds % 1000) * 1000000L };
    int n = kevent(poller, NULL, 0, events, capacity, milliseconds < 0 ? NULL : &timeout);
    for (int i = 0; i < n; i++) tokens[i] = (unsigned long long)(uintptr_t)events[i].udata;
    return n;
}
#endif

#endif
