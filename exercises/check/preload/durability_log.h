// Reading the log of the durability watch (durability_watch.c, preloaded into a stage-3 server):
// did the server send the acknowledgement of a post only after the post was on the disk?
//
// The log lists, in the order they happened, the server's writes to its data files (and any
// write of the post elsewhere), its syncs, and its sends on TCP connections; see the comment at
// the top of durability_watch.c for the format. judge_durability_log() finds the
// acknowledgement (the first send that holds the post) and decides from what came before it:
//
//   synced      some data file (the {data} path, or a file beside it whose name starts with it:
//               "-wal", "-journal", ".tmp") received the post, and a sync covered that file after
//               the last write of the post to it: fsync or fdatasync of any descriptor of the
//               same file, sync() or syncfs(), msync(MS_SYNC) of a mapping of it, or the write
//               itself went through a descriptor opened with O_SYNC/O_DSYNC. A sync counts when
//               the file held the post as the sync began (the watch reads the file then), so a
//               write the watch cannot see (fwrite's internal one) is covered too. Files are
//               told apart by device and inode, so a file written and synced under another name
//               and then renamed to {data} counts.
//   not synced  anything else: acknowledged before the post was written; written but not yet
//               synced; synced before the program's buffer reached the file; never synced; a
//               failed sync; the post stored somewhere that is not {data}.
//   could not   the log shows that the watch did not load (no "hello" line), or it never saw
//   run         the acknowledgement leave (the server sends it by a way the watch cannot see).
//
// sync_file_range and msync(MS_ASYNC) do not count: they start the writing, they do not wait
// for the disk.
#ifndef CHATKIT_EXERCISES_CHECK_PRELOAD_DURABILITY_LOG_H_
#define CHATKIT_EXERCISES_CHECK_PRELOAD_DURABILITY_LOG_H_

#include <string>

namespace chatkit::exercises {

struct DurabilityVerdict {
  enum class Outcome { kSynced, kNotSynced, kCouldNotRun };
  Outcome outcome = Outcome::kCouldNotRun;
  // kSynced: one sentence saying what the server did, in order ("the server wrote the post to
  // ... (event 3), synced it (fdatasync, event 4), then sent the acknowledgement (event 5)").
  // Otherwise: the failure's headline.
  std::string headline;
  // The events that led there, numbered as in the log, abridged to the ones that matter.
  std::string events;
  std::string hint;
};

// Judges `log_text`, the whole log. `data_path` is the {data} path, for the messages only (the
// log's lines say which files are data files).
DurabilityVerdict judge_durability_log(const std::string& log_text, const std::string& data_path);

}  // namespace chatkit::exercises

#endif  // CHATKIT_EXERCISES_CHECK_PRELOAD_DURABILITY_LOG_H_
