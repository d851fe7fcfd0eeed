/*
 * durability_watch: an LD_PRELOAD library (Linux) that records, in order, what a stage-3 server
 * does with its data file and its TCP connections, so that the check
 * Stage3Server.AcknowledgesOnlyAfterThePostIsSynced can tell whether the acknowledgement left
 * only after the post was on the disk. A kill -9 cannot tell: the kernel keeps written bytes,
 * synced or not; only a power cut loses the unsynced ones.
 *
 * It is inert unless CHATKIT_DURABILITY_LOG names the log file. Then it reads:
 *   CHATKIT_DURABILITY_MARKER  the text to look for (the check's message; 1 to 200 bytes);
 *   CHATKIT_DURABILITY_DATA    the server's {data} path: every file whose path starts with it
 *                              (the data file, "-wal", "-journal", "~" beside it) is a data file.
 * and appends one line per event to the log, each with one write(2) on an O_APPEND descriptor
 * (so lines of several threads or processes never mix):
 *   hello pid=P data=PATH                                   the library loaded into process P
 *   P write call=C fd=F bytes=N result=R marker=M osync=S data=D id=DEV:INO path=PATH
 *   P sync call=C fd=F result=R flags=X holds=H data=D id=DEV:INO path=PATH
 *   P send call=C fd=F bytes=N marker=M
 *   P ackfile holds=H data=1 id=DEV:INO path=PATH           after the first send with the marker
 * where M=1 when the bytes written or sent complete the marker (also when it is spread over
 * several writes of the same descriptor), S=1 for a descriptor opened with O_SYNC/O_DSYNC or a
 * pwritev2 with RWF_SYNC/RWF_DSYNC, and H=1 when the file held the marker as the sync began (so
 * that the sync made it durable, even when the write went through a call that is not watched,
 * such as fwrite), H=? when it could not be read.
 *
 * Why the lines can be trusted when the check reads them: a write or sync is logged after the
 * real call returned, a send before the real call starts. So every event that completed before
 * the acknowledgement was sent is in the log before the acknowledgement's line, and that line is
 * in the log before the check can receive the acknowledgement.
 *
 * Files are recognised per call (fstat, /proc/self/fd/N, F_GETFL), not tracked from open(): a
 * descriptor from fopen(), dup() or fcntl(F_DUPFD) is seen as well as one from open(), and a
 * descriptor closed inside the C library (fclose) cannot leave stale state behind.
 *
 * The library's own work uses calls it does not watch (fstat, readlink, open, read, the write
 * system call for the log), and a per-thread flag keeps it from watching itself.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_MARKER 200
#define MAX_FDS 1024
#define MAX_REGIONS 64
#define LINE_MAX_BYTES (PATH_MAX + 512)

/* ---- configuration, set once by the constructor ---- */

static int g_ready;
static char g_log_path[PATH_MAX];
static int g_log_fd = -1;
static dev_t g_log_dev;
static ino_t g_log_ino;
static unsigned char g_marker[MAX_MARKER];
static size_t g_marker_len;
static char g_data[PATH_MAX];     /* canonical: realpath of its folder + its name */
static char g_data_dir[PATH_MAX]; /* the folder of g_data */
static char g_data_base[NAME_MAX + 1];
static int g_ack_seen;

static __thread int t_busy;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* The last g_marker_len - 1 bytes written to each descriptor, to find a marker split over
 * several writes (a server that writes one byte at a time). Reset when the descriptor names
 * another file. */
struct Tail {
  dev_t dev;
  ino_t ino;
  size_t len;
  unsigned char bytes[MAX_MARKER];
};
static struct Tail g_tails[MAX_FDS];

/* Shared file mappings, for msync. */
struct Region {
  uintptr_t start;
  size_t length;
  char path[PATH_MAX];
};
static struct Region g_regions[MAX_REGIONS];

/* ---- the real functions ---- */

#define REAL(name)                                                       \
  static __typeof__(name)* real_##name;                                  \
  if (real_##name == NULL) {                                             \
    real_##name = (__typeof__(name)*)(uintptr_t)dlsym(RTLD_NEXT, #name); \
  }

/* ---- a line of the log, built without stdio ---- */

struct Line {
  char text[LINE_MAX_BYTES];
  size_t len;
};

static void put(struct Line* line, const char* text) {
  for (; *text != '\0' && line->len + 2 < sizeof line->text; ++text) {
    line->text[line->len++] = *text == '\n' ? '?' : *text;
  }
}

static void put_number(struct Line* line, long long value) {
  char digits[24];
  int count = 0;
  unsigned long long magnitude =
      value < 0 ? 0ULL - (unsigned long long)value : (unsigned long long)value;
  do {
    digits[count++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude > 0);
  if (value < 0) put(line, "-");
  char text[24];
  for (int i = 0; i < count; ++i) text[i] = digits[count - 1 - i];
  text[count] = '\0';
  put(line, text);
}

static void put_field(struct Line* line, const char* key, long long value) {
  put(line, " ");
  put(line, key);
  put(line, "=");
  put_number(line, value);
}

static void start_line(struct Line* line, const char* kind) {
  line->len = 0;
  put_number(line, (long long)getpid());
  put(line, " ");
  put(line, kind);
}

static int log_fd_is_ours(void) {
  struct stat st;
  return g_log_fd >= 0 && fstat(g_log_fd, &st) == 0 && st.st_dev == g_log_dev &&
         st.st_ino == g_log_ino;
}

static int open_log(void) {
  int fd = open(g_log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  /* Far from the small numbers a server reuses; checked before every line all the same (a
   * server may close descriptors it did not open). */
  int high = fcntl(fd, F_DUPFD_CLOEXEC, 700);
  if (high >= 0) {
    close(fd);
    fd = high;
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    return -1;
  }
  g_log_fd = fd;
  g_log_dev = st.st_dev;
  g_log_ino = st.st_ino;
  return 0;
}

static void emit(struct Line* line) {
  line->text[line->len++] = '\n';
  if (!log_fd_is_ours() && open_log() != 0) return;
  size_t done = 0;
  while (done < line->len) {
    long n = syscall(SYS_write, g_log_fd, line->text + done, line->len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += (size_t)n;
  }
}

/* ---- what a descriptor is ---- */

enum Kind { kOther, kFile, kTcp };

struct FdInfo {
  enum Kind kind;
  dev_t dev;
  ino_t ino;
  int is_dir;
  int data;
  int osync;
  char path[PATH_MAX];
};

static int is_data_path(const char* path) {
  return g_data[0] != '\0' && strncmp(path, g_data, strlen(g_data)) == 0;
}

static void fd_path(int fd, char* path) {
  char link[64];
  struct Line name;
  name.len = 0;
  put(&name, "/proc/self/fd/");
  put_number(&name, fd);
  name.text[name.len] = '\0';
  memcpy(link, name.text, name.len + 1);
  ssize_t n = readlink(link, path, PATH_MAX - 1);
  if (n < 0) n = 0;
  path[n] = '\0';
}

static void classify(int fd, struct FdInfo* info) {
  info->kind = kOther;
  info->is_dir = 0;
  info->data = 0;
  info->osync = 0;
  info->path[0] = '\0';
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) return;
  info->dev = st.st_dev;
  info->ino = st.st_ino;
  if (S_ISSOCK(st.st_mode)) {
    int type = 0;
    int domain = 0;
    socklen_t size = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0) return;
    size = sizeof domain;
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &size) != 0) return;
    if (type == SOCK_STREAM && (domain == AF_INET || domain == AF_INET6)) info->kind = kTcp;
    return;
  }
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return;
  info->kind = kFile;
  info->is_dir = S_ISDIR(st.st_mode);
  fd_path(fd, info->path);
  info->data = is_data_path(info->path);
  int flags = fcntl(fd, F_GETFL);
  info->osync = flags >= 0 && (flags & (O_SYNC | O_DSYNC)) != 0;
}

/* ---- finding the marker ---- */

/* Feeds `n` bytes into a tail; 1 when the marker ends within them. */
static int feed(unsigned char* tail, size_t* tail_len, const unsigned char* bytes, size_t n) {
  const size_t m = g_marker_len;
  int found = 0;
  if (n == 0) return 0;
  if (*tail_len > 0) {
    unsigned char joint[2 * MAX_MARKER];
    const size_t take = n < m - 1 ? n : m - 1;
    memcpy(joint, tail, *tail_len);
    memcpy(joint + *tail_len, bytes, take);
    found = memmem(joint, *tail_len + take, g_marker, m) != NULL;
  }
  if (!found) found = memmem(bytes, n, g_marker, m) != NULL;
  if (n >= m - 1) {
    memcpy(tail, bytes + n - (m - 1), m - 1);
    *tail_len = m - 1;
  } else {
    size_t keep = *tail_len < m - 1 - n ? *tail_len : m - 1 - n;
    memmove(tail, tail + *tail_len - keep, keep);
    memcpy(tail + keep, bytes, n);
    *tail_len = keep + n;
  }
  return found;
}

/* Feeds the first `count` bytes of `iov` into a tail. */
static int feed_iov(unsigned char* tail, size_t* tail_len, const struct iovec* iov, int iovcnt,
                    size_t count) {
  int found = 0;
  for (int i = 0; i < iovcnt && count > 0; ++i) {
    size_t n = iov[i].iov_len < count ? iov[i].iov_len : count;
    if (iov[i].iov_base != NULL && feed(tail, tail_len, iov[i].iov_base, n)) found = 1;
    count -= n;
  }
  return found;
}

/* The descriptor's tail under g_lock, reset when it names another file now. */
static struct Tail* tail_of(int fd, const struct FdInfo* info) {
  if (fd < 0 || fd >= MAX_FDS) return NULL;
  struct Tail* tail = &g_tails[fd];
  if (tail->dev != info->dev || tail->ino != info->ino) {
    tail->dev = info->dev;
    tail->ino = info->ino;
    tail->len = 0;
  }
  return tail;
}

/* Whether the file held the marker: "1", "0" or "?" (unreadable). */
static const char* holds_marker(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "?";
  unsigned char buffer[16384];
  unsigned char tail[MAX_MARKER];
  size_t tail_len = 0;
  int found = 0;
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      return "?";
    }
    if (n == 0) break;
    if (feed(tail, &tail_len, buffer, (size_t)n)) {
      found = 1;
      break;
    }
  }
  close(fd);
  return found ? "1" : "0";
}

static const char* fd_holds_marker(int fd) {
  struct Line name;
  name.len = 0;
  put(&name, "/proc/self/fd/");
  put_number(&name, fd);
  name.text[name.len] = '\0';
  return holds_marker(name.text);
}

/* ---- the data files on disk: {data}, the files beside it named like it, and the files in
 * {data} when it is a folder ---- */

struct Dirent64 {
  uint64_t ino;
  int64_t off;
  unsigned short reclen;
  unsigned char type;
  char name[];
};

typedef void (*DataFileVisitor)(const char* path, const struct stat* st, void* context);

static void scan_folder(const char* folder, const char* prefix, int depth, DataFileVisitor visit,
                        void* context) {
  int dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  char entries[4096];
  for (;;) {
    long n = syscall(SYS_getdents64, dir, entries, sizeof entries);
    if (n <= 0) break;
    for (long at = 0; at < n;) {
      const struct Dirent64* entry = (const struct Dirent64*)(void*)(entries + at);
      at += entry->reclen;
      if (strcmp(entry->name, ".") == 0 || strcmp(entry->name, "..") == 0) continue;
      if (strncmp(entry->name, prefix, strlen(prefix)) != 0) continue;
      char path[PATH_MAX];
      struct Line joined;
      joined.len = 0;
      put(&joined, folder);
      put(&joined, "/");
      put(&joined, entry->name);
      if (joined.len >= PATH_MAX) continue;
      memcpy(path, joined.text, joined.len);
      path[joined.len] = '\0';
      struct stat st;
      if (stat(path, &st) != 0) continue;
      if (S_ISREG(st.st_mode)) {
        visit(path, &st, context);
      } else if (S_ISDIR(st.st_mode) && depth == 0) {
        scan_folder(path, "", 1, visit, context);
      }
    }
  }
  close(dir);
}

static void scan_data_files(DataFileVisitor visit, void* context) {
  if (g_data_dir[0] != '\0') scan_folder(g_data_dir, g_data_base, 0, visit, context);
}

/* ---- logging the events ---- */

static void put_file(struct Line* line, const char* holds, int data, dev_t dev, ino_t ino,
                     const char* path) {
  if (holds != NULL) {
    put(line, " holds=");
    put(line, holds);
  }
  put_field(line, "data", data);
  put(line, " id=");
  put_number(line, (long long)dev);
  put(line, ":");
  put_number(line, (long long)ino);
  put(line, " path=");
  put(line, path);
}

static void log_ackfile(const char* path, const struct stat* st, void* context) {
  (void)context;
  struct Line line;
  start_line(&line, "ackfile");
  put_file(&line, holds_marker(path), 1, st->st_dev, st->st_ino, path);
  emit(&line);
}

/* Before a send on a TCP connection: logs it, with whether it completes the marker. */
static void before_send(const char* call, int fd, const struct FdInfo* info,
                        const struct iovec* iov, int iovcnt) {
  size_t total = 0;
  for (int i = 0; i < iovcnt; ++i) total += iov[i].iov_len;
  pthread_mutex_lock(&g_lock);
  struct Tail* tail = tail_of(fd, info);
  unsigned char copy[MAX_MARKER];
  size_t copy_len = 0;
  if (tail != NULL) {
    memcpy(copy, tail->bytes, tail->len);
    copy_len = tail->len;
  }
  const int marker = feed_iov(copy, &copy_len, iov, iovcnt, total);
  const int first_ack = marker && !g_ack_seen;
  if (first_ack) g_ack_seen = 1;
  pthread_mutex_unlock(&g_lock);
  struct Line line;
  start_line(&line, "send");
  put(&line, " call=");
  put(&line, call);
  put_field(&line, "fd", fd);
  put_field(&line, "bytes", (long long)total);
  put_field(&line, "marker", marker);
  emit(&line);
  if (first_ack) scan_data_files(log_ackfile, NULL);
}

static void after_send(int fd, const struct FdInfo* info, const struct iovec* iov, int iovcnt,
                       ssize_t result) {
  if (result <= 0) return;
  pthread_mutex_lock(&g_lock);
  struct Tail* tail = tail_of(fd, info);
  if (tail != NULL) feed_iov(tail->bytes, &tail->len, iov, iovcnt, (size_t)result);
  pthread_mutex_unlock(&g_lock);
}

/* After a write to a regular file: logs it when it is a data file or holds the marker.
 * `positional` writes (pwrite) do not continue the previous bytes of the descriptor. */
static void after_file_write(const char* call, int fd, const struct FdInfo* info,
                             const struct iovec* iov, int iovcnt, ssize_t result, int positional,
                             int sync_write) {
  size_t total = 0;
  for (int i = 0; i < iovcnt; ++i) total += iov[i].iov_len;
  int marker = 0;
  if (result > 0) {
    if (positional) {
      unsigned char scratch[MAX_MARKER];
      size_t scratch_len = 0;
      marker = feed_iov(scratch, &scratch_len, iov, iovcnt, (size_t)result);
    } else {
      pthread_mutex_lock(&g_lock);
      struct Tail* tail = tail_of(fd, info);
      unsigned char scratch[MAX_MARKER];
      size_t scratch_len = 0;
      marker = tail != NULL ? feed_iov(tail->bytes, &tail->len, iov, iovcnt, (size_t)result)
                            : feed_iov(scratch, &scratch_len, iov, iovcnt, (size_t)result);
      pthread_mutex_unlock(&g_lock);
    }
  }
  if (!info->data && !marker) return;
  struct Line line;
  start_line(&line, "write");
  put(&line, " call=");
  put(&line, call);
  put_field(&line, "fd", fd);
  put_field(&line, "bytes", (long long)total);
  put_field(&line, "result", result);
  put_field(&line, "marker", marker);
  put_field(&line, "osync", info->osync || sync_write);
  put_file(&line, NULL, info->data, info->dev, info->ino, info->path);
  emit(&line);
}

static int active(void) {
  return g_ready && !t_busy;
}

/* One watched output call: classify, log, call, log. */
#define WATCH_OUTPUT(call_name, fd, iov, iovcnt, positional, sync_write, real_call)     \
  do {                                                                                  \
    if (!active()) return real_call;                                                    \
    t_busy = 1;                                                                         \
    struct FdInfo info;                                                                 \
    classify((fd), &info);                                                              \
    if (info.kind == kTcp) before_send((call_name), (fd), &info, (iov), (iovcnt));      \
    t_busy = 0;                                                                         \
    ssize_t result = real_call;                                                         \
    const int saved_errno = errno;                                                      \
    t_busy = 1;                                                                         \
    if (info.kind == kTcp) after_send((fd), &info, (iov), (iovcnt), result);            \
    if (info.kind == kFile && !info.is_dir) {                                           \
      after_file_write((call_name), (fd), &info, (iov), (iovcnt), result, (positional), \
                       (sync_write));                                                   \
    }                                                                                   \
    t_busy = 0;                                                                         \
    errno = saved_errno;                                                                \
    return result;                                                                      \
  } while (0)

ssize_t write(int fd, const void* buf, size_t n) {
  REAL(write);
  struct iovec iov = {(void*)(uintptr_t)buf, n};
  WATCH_OUTPUT("write", fd, &iov, 1, 0, 0, real_write(fd, buf, n));
}

ssize_t pwrite(int fd, const void* buf, size_t n, off_t offset) {
  REAL(pwrite);
  struct iovec iov = {(void*)(uintptr_t)buf, n};
  WATCH_OUTPUT("pwrite", fd, &iov, 1, 1, 0, real_pwrite(fd, buf, n, offset));
}

ssize_t pwrite64(int fd, const void* buf, size_t n, off64_t offset) {
  REAL(pwrite64);
  struct iovec iov = {(void*)(uintptr_t)buf, n};
  WATCH_OUTPUT("pwrite64", fd, &iov, 1, 1, 0, real_pwrite64(fd, buf, n, offset));
}

ssize_t writev(int fd, const struct iovec* iov, int iovcnt) {
  REAL(writev);
  WATCH_OUTPUT("writev", fd, iov, iovcnt, 0, 0, real_writev(fd, iov, iovcnt));
}

ssize_t pwritev(int fd, const struct iovec* iov, int iovcnt, off_t offset) {
  REAL(pwritev);
  WATCH_OUTPUT("pwritev", fd, iov, iovcnt, 1, 0, real_pwritev(fd, iov, iovcnt, offset));
}

ssize_t pwritev64(int fd, const struct iovec* iov, int iovcnt, off64_t offset) {
  REAL(pwritev64);
  WATCH_OUTPUT("pwritev64", fd, iov, iovcnt, 1, 0, real_pwritev64(fd, iov, iovcnt, offset));
}

#ifdef RWF_DSYNC
#define SYNC_WRITE_FLAGS(flags) (((flags) & (RWF_DSYNC | RWF_SYNC)) != 0)

ssize_t pwritev2(int fd, const struct iovec* iov, int iovcnt, off_t offset, int flags) {
  REAL(pwritev2);
  WATCH_OUTPUT("pwritev2", fd, iov, iovcnt, offset != -1, SYNC_WRITE_FLAGS(flags),
               real_pwritev2(fd, iov, iovcnt, offset, flags));
}

ssize_t pwritev64v2(int fd, const struct iovec* iov, int iovcnt, off64_t offset, int flags) {
  REAL(pwritev64v2);
  WATCH_OUTPUT("pwritev64v2", fd, iov, iovcnt, offset != -1, SYNC_WRITE_FLAGS(flags),
               real_pwritev64v2(fd, iov, iovcnt, offset, flags));
}
#endif

ssize_t send(int fd, const void* buf, size_t n, int flags) {
  REAL(send);
  struct iovec iov = {(void*)(uintptr_t)buf, n};
  WATCH_OUTPUT("send", fd, &iov, 1, 0, 0, real_send(fd, buf, n, flags));
}

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* to,
               socklen_t to_len) {
  REAL(sendto);
  struct iovec iov = {(void*)(uintptr_t)buf, n};
  WATCH_OUTPUT("sendto", fd, &iov, 1, 0, 0, real_sendto(fd, buf, n, flags, to, to_len));
}

ssize_t sendmsg(int fd, const struct msghdr* message, int flags) {
  REAL(sendmsg);
  const struct iovec* iov = message != NULL ? message->msg_iov : NULL;
  const int iovcnt = message != NULL ? (int)message->msg_iovlen : 0;
  WATCH_OUTPUT("sendmsg", fd, iov, iovcnt, 0, 0, real_sendmsg(fd, message, flags));
}

/* ---- syncs ---- */

static void log_sync(const char* call, int fd, int result, long long flags, const char* holds,
                     int data, dev_t dev, ino_t ino, const char* path) {
  struct Line line;
  start_line(&line, "sync");
  put(&line, " call=");
  put(&line, call);
  put_field(&line, "fd", fd);
  put_field(&line, "result", result);
  put_field(&line, "flags", flags);
  put_file(&line, holds, data, dev, ino, path);
  emit(&line);
}

/* fsync, fdatasync, sync_file_range: the file's content is read before the real call, since
 * the sync covers what the file held when it began. */
#define WATCH_FD_SYNC(call_name, fd, flags, real_call)                                     \
  do {                                                                                     \
    if (!active()) return real_call;                                                       \
    t_busy = 1;                                                                            \
    struct FdInfo info;                                                                    \
    classify((fd), &info);                                                                 \
    const char* holds = "0";                                                               \
    if (info.kind == kFile && !info.is_dir) holds = fd_holds_marker(fd);                   \
    t_busy = 0;                                                                            \
    int result = real_call;                                                                \
    const int saved_errno = errno;                                                         \
    t_busy = 1;                                                                            \
    if (info.kind == kFile) {                                                              \
      log_sync((call_name), (fd), result, (flags), info.is_dir ? "dir" : holds, info.data, \
               info.dev, info.ino, info.path);                                             \
    }                                                                                      \
    t_busy = 0;                                                                            \
    errno = saved_errno;                                                                   \
    return result;                                                                         \
  } while (0)

int fsync(int fd) {
  REAL(fsync);
  WATCH_FD_SYNC("fsync", fd, 0, real_fsync(fd));
}

int fdatasync(int fd) {
  REAL(fdatasync);
  WATCH_FD_SYNC("fdatasync", fd, 0, real_fdatasync(fd));
}

int sync_file_range(int fd, off64_t offset, off64_t nbytes, unsigned int flags) {
  REAL(sync_file_range);
  WATCH_FD_SYNC("sync_file_range", fd, (long long)flags,
                real_sync_file_range(fd, offset, nbytes, flags));
}

/* sync() and syncfs(): one line per data file they cover, with what it held as they began. */
struct WholeSync {
  const char* call;
  int fd;
  int result;
  int filter_dev; /* syncfs: only files on the descriptor's file system */
  dev_t dev;
  int count;
  char holds[16][2];
  struct stat st[16];
  char paths[16][PATH_MAX];
};

static void remember_data_file(const char* path, const struct stat* st, void* context) {
  struct WholeSync* sync = context;
  if (sync->filter_dev && st->st_dev != sync->dev) return;
  if (sync->count >= 16) return;
  const int i = sync->count++;
  sync->holds[i][0] = holds_marker(path)[0];
  sync->holds[i][1] = '\0';
  sync->st[i] = *st;
  memcpy(sync->paths[i], path, strlen(path) + 1);
}

static struct WholeSync g_whole_sync; /* under g_lock: too big for a small thread stack */

static void log_whole_sync(struct WholeSync* sync) {
  for (int i = 0; i < sync->count; ++i) {
    log_sync(sync->call, sync->fd, sync->result, 0, sync->holds[i], 1, sync->st[i].st_dev,
             sync->st[i].st_ino, sync->paths[i]);
  }
}

void sync(void) {
  REAL(sync);
  if (!active()) {
    real_sync();
    return;
  }
  t_busy = 1;
  pthread_mutex_lock(&g_lock);
  g_whole_sync.call = "sync";
  g_whole_sync.fd = -1;
  g_whole_sync.filter_dev = 0;
  g_whole_sync.count = 0;
  scan_data_files(remember_data_file, &g_whole_sync);
  real_sync();
  g_whole_sync.result = 0;
  log_whole_sync(&g_whole_sync);
  pthread_mutex_unlock(&g_lock);
  t_busy = 0;
}

int syncfs(int fd) {
  REAL(syncfs);
  if (!active()) return real_syncfs(fd);
  t_busy = 1;
  struct stat st;
  pthread_mutex_lock(&g_lock);
  g_whole_sync.call = "syncfs";
  g_whole_sync.fd = fd;
  g_whole_sync.filter_dev = 1;
  g_whole_sync.dev = fstat(fd, &st) == 0 ? st.st_dev : (dev_t)-1;
  g_whole_sync.count = 0;
  scan_data_files(remember_data_file, &g_whole_sync);
  const int result = real_syncfs(fd);
  const int saved_errno = errno;
  g_whole_sync.result = result;
  log_whole_sync(&g_whole_sync);
  pthread_mutex_unlock(&g_lock);
  t_busy = 0;
  errno = saved_errno;
  return result;
}

/* ---- shared mappings and msync ---- */

static void remember_region(void* start, size_t length, int fd, int flags) {
  if (start == MAP_FAILED || fd < 0 || (flags & MAP_SHARED) == 0) return;
  struct FdInfo info;
  classify(fd, &info);
  if (info.kind != kFile || info.is_dir) return;
  pthread_mutex_lock(&g_lock);
  for (int i = 0; i < MAX_REGIONS; ++i) {
    if (g_regions[i].length == 0) {
      g_regions[i].start = (uintptr_t)start;
      g_regions[i].length = length;
      memcpy(g_regions[i].path, info.path, strlen(info.path) + 1);
      break;
    }
  }
  pthread_mutex_unlock(&g_lock);
}

void* mmap(void* addr, size_t length, int prot, int flags, int fd, off_t offset) {
  REAL(mmap);
  void* result = real_mmap(addr, length, prot, flags, fd, offset);
  if (!active() || fd < 0) return result;
  const int saved_errno = errno;
  t_busy = 1;
  remember_region(result, length, fd, flags);
  t_busy = 0;
  errno = saved_errno;
  return result;
}

void* mmap64(void* addr, size_t length, int prot, int flags, int fd, off64_t offset) {
  REAL(mmap64);
  void* result = real_mmap64(addr, length, prot, flags, fd, offset);
  if (!active() || fd < 0) return result;
  const int saved_errno = errno;
  t_busy = 1;
  remember_region(result, length, fd, flags);
  t_busy = 0;
  errno = saved_errno;
  return result;
}

int munmap(void* addr, size_t length) {
  REAL(munmap);
  if (g_ready) {
    pthread_mutex_lock(&g_lock);
    const uintptr_t start = (uintptr_t)addr;
    for (int i = 0; i < MAX_REGIONS; ++i) {
      const struct Region* region = &g_regions[i];
      if (region->length != 0 && region->start < start + length &&
          start < region->start + region->length) {
        g_regions[i].length = 0;
      }
    }
    pthread_mutex_unlock(&g_lock);
  }
  return real_munmap(addr, length);
}

int msync(void* addr, size_t length, int flags) {
  REAL(msync);
  if (!active()) return real_msync(addr, length, flags);
  t_busy = 1;
  char paths[4][PATH_MAX];
  char holds[4][2];
  int count = 0;
  pthread_mutex_lock(&g_lock);
  const uintptr_t start = (uintptr_t)addr;
  for (int i = 0; i < MAX_REGIONS && count < 4; ++i) {
    const struct Region* region = &g_regions[i];
    if (region->length != 0 && region->start < start + length &&
        start < region->start + region->length) {
      memcpy(paths[count], region->path, strlen(region->path) + 1);
      ++count;
    }
  }
  pthread_mutex_unlock(&g_lock);
  for (int i = 0; i < count; ++i) {
    holds[i][0] = holds_marker(paths[i])[0];
    holds[i][1] = '\0';
  }
  t_busy = 0;
  const int result = real_msync(addr, length, flags);
  const int saved_errno = errno;
  t_busy = 1;
  for (int i = 0; i < count; ++i) {
    struct stat st;
    if (stat(paths[i], &st) != 0) continue;
    log_sync("msync", -1, result, flags, holds[i], is_data_path(paths[i]), st.st_dev, st.st_ino,
             paths[i]);
  }
  t_busy = 0;
  errno = saved_errno;
  return result;
}

/* ---- start ---- */

static int copy_text(char* to, size_t size, const char* from) {
  const size_t n = strlen(from);
  if (n >= size) return -1;
  memcpy(to, from, n + 1);
  return 0;
}

/* g_data becomes realpath(folder of {data}) + "/" + its name, as /proc/self/fd shows paths. */
static void set_data_path(const char* data) {
  char folder[PATH_MAX];
  const char* slash = strrchr(data, '/');
  const char* base = slash != NULL ? slash + 1 : data;
  if (copy_text(g_data_base, sizeof g_data_base, base) != 0) return;
  if (slash == NULL) {
    copy_text(folder, sizeof folder, ".");
  } else if (slash == data) {
    copy_text(folder, sizeof folder, "/");
  } else {
    const size_t n = (size_t)(slash - data);
    if (n >= sizeof folder) return;
    memcpy(folder, data, n);
    folder[n] = '\0';
  }
  if (realpath(folder, g_data_dir) == NULL) {
    g_data_dir[0] = '\0';
    return;
  }
  struct Line joined;
  joined.len = 0;
  put(&joined, g_data_dir);
  if (strcmp(g_data_dir, "/") != 0) put(&joined, "/");
  put(&joined, g_data_base);
  if (joined.len >= sizeof g_data) return;
  memcpy(g_data, joined.text, joined.len);
  g_data[joined.len] = '\0';
}

__attribute__((constructor)) static void durability_watch_start(void) {
  const char* log_path = getenv("CHATKIT_DURABILITY_LOG");
  const char* marker = getenv("CHATKIT_DURABILITY_MARKER");
  const char* data = getenv("CHATKIT_DURABILITY_DATA");
  if (log_path == NULL || marker == NULL || data == NULL) return;
  if (copy_text(g_log_path, sizeof g_log_path, log_path) != 0) return;
  const size_t marker_len = strlen(marker);
  if (marker_len == 0 || marker_len > MAX_MARKER) return;
  memcpy(g_marker, marker, marker_len);
  g_marker_len = marker_len;
  t_busy = 1;
  set_data_path(data);
  if (open_log() != 0) {
    t_busy = 0;
    return;
  }
  struct Line line;
  line.len = 0;
  put(&line, "hello pid=");
  put_number(&line, (long long)getpid());
  put(&line, " data=");
  put(&line, g_data);
  emit(&line);
  t_busy = 0;
  g_ready = 1;
}
