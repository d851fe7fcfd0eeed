// The durability judge on logs written by hand, one per way a server can store a post (the
// lines are what durability_watch.c writes; see there).
#include "exercises/check/preload/durability_log.h"

#include <gtest/gtest.h>

#include <string>

namespace chatkit::exercises {
namespace {

using Outcome = DurabilityVerdict::Outcome;

const std::string kData = "/tmp/d/history";

std::string hello() {
  return "hello pid=7 data=/tmp/d/history\n";
}
std::string count_send() {
  return "7 send call=send fd=5 bytes=5 marker=0\n";
}
std::string ack() {
  return "7 send call=send fd=5 bytes=75 marker=1\n";
}
std::string write_post(const std::string& path = kData, bool osync = false, int data = 1,
                       const std::string& id = "1:2", const std::string& fd = "3") {
  return "7 write call=write fd=" + fd +
         " bytes=75 result=75 marker=1 osync=" + (osync ? "1" : "0") +
         " data=" + std::to_string(data) + " id=" + id + " path=" + path + "\n";
}
std::string sync(const std::string& call, const std::string& holds, const std::string& id = "1:2",
                 const std::string& path = kData, int result = 0) {
  const std::string data = path.rfind(kData, 0) == 0 ? "1" : "0";
  return "7 sync call=" + call + " fd=3 result=" + std::to_string(result) +
         " flags=0 holds=" + holds + " data=" + data + " id=" + id + " path=" + path + "\n";
}
std::string ackfile(const std::string& holds, const std::string& id = "1:2",
                    const std::string& path = kData) {
  return "7 ackfile holds=" + holds + " data=1 id=" + id + " path=" + path + "\n";
}

DurabilityVerdict judge(const std::string& log) {
  return judge_durability_log(log, kData);
}

TEST(DurabilityLog, WriteThenFsyncThenAcknowledgementIsSynced) {
  const DurabilityVerdict verdict =
      judge(hello() + count_send() + write_post() + sync("fsync", "1") + ack() + ackfile("1"));
  EXPECT_EQ(verdict.outcome, Outcome::kSynced) << verdict.headline;
  EXPECT_NE(verdict.headline.find("synced it (fsync, event 4), then sent the acknowledgement "
                                  "(event 5)"),
            std::string::npos)
      << verdict.headline;
}

TEST(DurabilityLog, FdatasyncAndSyncfsCountAsSyncs) {
  EXPECT_EQ(judge(hello() + write_post() + sync("fdatasync", "1") + ack()).outcome,
            Outcome::kSynced);
  EXPECT_EQ(judge(hello() + write_post() + sync("syncfs", "1") + ack()).outcome, Outcome::kSynced);
  EXPECT_EQ(judge(hello() + write_post() + sync("sync", "1") + ack()).outcome, Outcome::kSynced);
}

TEST(DurabilityLog, AWriteThroughAnOSyncDescriptorIsSynced) {
  const DurabilityVerdict verdict = judge(hello() + write_post(kData, true) + ack());
  EXPECT_EQ(verdict.outcome, Outcome::kSynced) << verdict.headline;
  EXPECT_NE(verdict.headline.find("O_SYNC/O_DSYNC"), std::string::npos);
}

TEST(DurabilityLog, ASyncOfAFileHoldingThePostCoversAWriteTheWatchDidNotSee) {
  // fwrite + fflush + fsync: the write is inside the C library, the sync is seen.
  EXPECT_EQ(judge(hello() + sync("fsync", "1") + ack() + ackfile("1")).outcome, Outcome::kSynced);
}

TEST(DurabilityLog, AFileSyncedUnderAnotherNameAndRenamedToTheDataPathCounts) {
  const std::string temporary = "/tmp/elsewhere/tmp123";
  const DurabilityVerdict verdict =
      judge(hello() + write_post(temporary, false, 0, "1:9") +
            sync("fsync", "1", "1:9", temporary) + ack() + ackfile("1", "1:9"));
  EXPECT_EQ(verdict.outcome, Outcome::kSynced) << verdict.headline;
}

TEST(DurabilityLog, WrittenButNotSyncedFails) {
  const DurabilityVerdict verdict =
      judge(hello() + count_send() + write_post() + ack() + ackfile("1"));
  EXPECT_EQ(verdict.outcome, Outcome::kNotSynced);
  EXPECT_EQ(
      verdict.headline,
      "the acknowledgement was sent before the post was synced to disk: the server wrote the "
      "post to /tmp/d/history (write, event 3) and sent the acknowledgement (event 4) without "
      "an fsync in between; a power cut after the acknowledgement would lose an acknowledged "
      "post (the log shows no sync of that file at all)");
  EXPECT_NE(verdict.events.find("3. write(fd 3, 75 bytes) to /tmp/d/history: the post"),
            std::string::npos)
      << verdict.events;
  EXPECT_NE(verdict.hint.find("os.fsync"), std::string::npos);
}

TEST(DurabilityLog, ASyncAfterTheAcknowledgementIsTooLate) {
  const DurabilityVerdict verdict =
      judge(hello() + write_post() + ack() + ackfile("1") + sync("fsync", "1"));
  EXPECT_EQ(verdict.outcome, Outcome::kNotSynced);
  EXPECT_NE(verdict.headline.find("only after the acknowledgement: fsync, event 5, too late"),
            std::string::npos)
      << verdict.headline;
  EXPECT_NE(verdict.events.find("after the acknowledgement:\n  5. fsync"), std::string::npos)
      << verdict.events;
}

TEST(DurabilityLog, ASyncBeforeTheBufferReachedTheFileFails) {
  const DurabilityVerdict verdict =
      judge(hello() + sync("fsync", "0") + write_post() + ack() + ackfile("1"));
  EXPECT_EQ(verdict.outcome, Outcome::kNotSynced);
  EXPECT_NE(verdict.headline.find("synced /tmp/d/history (fsync, event 2) before the post had "
                                  "reached the file"),
            std::string::npos)
      << verdict.headline;
  EXPECT_NE(verdict.hint.find("flush"), std::string::npos);
}

TEST(DurabilityLog, SqliteWalWithSynchronousNormalFails) {
  // The WAL is synced when it starts, not at the commit that holds the post.
  const std::string wal = "/tmp/d/history-wal";
  const std::string log =
      hello() + sync("fdatasync", "0", "1:4", wal) +
      "7 write call=pwrite64 fd=12 bytes=24 result=24 marker=0 osync=0 data=1 id=1:4 path=" + wal +
      "\n" +
      "7 write call=pwrite64 fd=12 bytes=4096 result=4096 marker=1 osync=0 data=1 id=1:4 path=" +
      wal + "\n" + ack() + ackfile("1", "1:4", wal);
  const DurabilityVerdict verdict = judge(log);
  EXPECT_EQ(verdict.outcome, Outcome::kNotSynced);
  EXPECT_NE(verdict.headline.find("wrote the post to /tmp/d/history-wal (pwrite64, event 4) and "
                                  "sent the acknowledgement (event 5) without an fsync"),
            std::string::npos)
      << verdict.headline;
  EXPECT_NE(verdict.hint.find("PRAGMA synchronous=FULL"), std::string::npos) << verdict.hint;
}

TEST(DurabilityLog, TheEventsNameEveryProcessOnce) {
  const DurabilityVerdict verdict = judge("hello pid=6 data=x\n" + hello() + write_post() + ack());
  EXPECT_NE(verdict.events.find("the watch library loaded into process 7, which sent the "
                                "acknowledgement, and 1 other process the command started"),
            std::string::npos)
      << verdict.events;
}

TEST(DurabilityLog, AWriteAfterTheLastSyncFails) {
  EXPECT_EQ(judge(hello() + write_post() + sync("fsync", "1") + write_post() + ack()).outcome,
            Outcome::kNotSynced);
}

TEST(DurabilityLog, SyncFileRangeIsNotASync) {
  const DurabilityVerdict verdict =
      judge(hello() + write_post() + sync("sync_file_range", "1") + ack());
  EXPECT_EQ(verdict.outcome, Outcome::kNotSynced);
  EXPECT_NE(verdict.hint.find("sync_file_range, event 3 does not count"), std::string::npos)
      << verdict.hint;
}

TEST(DurabilityLog, AFailedSyncFails) {
  const DurabilityVerdict verdict =
      judge(hello() + write_post() + sync("fsync", "1", "1:2", kData, -1) + ack());
  EXPECT_EQ(verdict.outcome, Outcome::kNotSynced);
  EXPECT_NE(verdict.headline.find("failed"), std::string::npos) << verdict.headline;
}

TEST(DurabilityLog, AFileThatHeldThePostUnsyncedAtTheAcknowledgementFails) {
  const DurabilityVerdict verdict = judge(hello() + ack() + ackfile("1"));
  EXPECT_EQ(verdict.outcome, Outcome::kNotSynced);
  EXPECT_NE(verdict.headline.find("/tmp/d/history held the post, but no sync"), std::string::npos)
      << verdict.headline;
}

TEST(DurabilityLog, AcknowledgedBeforeWrittenFails) {
  const DurabilityVerdict verdict =
      judge(hello() + ack() + ackfile("0") + write_post() + sync("fsync", "1"));
  EXPECT_EQ(verdict.outcome, Outcome::kNotSynced);
  EXPECT_NE(verdict.headline.find("the acknowledgement was sent before the post was written: as "
                                  "the acknowledgement (event 2) left, no file named like "
                                  "/tmp/d/history held the post"),
            std::string::npos)
      << verdict.headline;
  EXPECT_NE(verdict.headline.find("only afterwards: write, event 4"), std::string::npos);
}

TEST(DurabilityLog, ThePostStoredOutsideTheDataPathFails) {
  const DurabilityVerdict verdict =
      judge(hello() + write_post("/home/s/posts.txt", false, 0, "1:5") +
            sync("fsync", "1", "1:5", "/home/s/posts.txt") + ack());
  EXPECT_EQ(verdict.outcome, Outcome::kNotSynced);
  EXPECT_NE(verdict.headline.find("stored the post in /home/s/posts.txt"), std::string::npos)
      << verdict.headline;
}

TEST(DurabilityLog, ThePostPrintedOnStandardOutputIsNotStorage) {
  const DurabilityVerdict verdict =
      judge(hello() + write_post("/tmp/out/stdout.txt", false, 0, "1:6", "1") + ack());
  EXPECT_NE(verdict.headline.find("before the post was written"), std::string::npos)
      << verdict.headline;
}

TEST(DurabilityLog, NoHelloLineCouldNotRun) {
  const DurabilityVerdict verdict = judge("");
  EXPECT_EQ(verdict.outcome, Outcome::kCouldNotRun);
  EXPECT_EQ(verdict.headline.rfind("could not run: the watch library did not load", 0), 0u)
      << verdict.headline;
}

TEST(DurabilityLog, NoAcknowledgementSeenCouldNotRun) {
  const DurabilityVerdict verdict = judge(hello() + "hello pid=8 data=/tmp/d/history\n");
  EXPECT_EQ(verdict.outcome, Outcome::kCouldNotRun);
  EXPECT_EQ(verdict.headline.rfind("could not run: the watch library loaded (into 2 processes) "
                                   "but never saw the acknowledgement leave",
                                   0),
            0u)
      << verdict.headline;
}

TEST(DurabilityLog, SqliteWalWithSynchronousFullIsSynced) {
  // The reference server's commit: WAL frame written, the WAL synced, then the acknowledgement.
  const std::string wal = "/tmp/d/history-wal";
  const std::string log =
      hello() +
      "7 write call=pwrite64 fd=12 bytes=24 result=24 marker=0 osync=0 data=1 id=1:4 path=" + wal +
      "\n" +
      "7 write call=pwrite64 fd=12 bytes=4096 result=4096 marker=1 osync=0 data=1 id=1:4 path=" +
      wal + "\n" + sync("fdatasync", "1", "1:4", wal) +
      "7 send call=write fd=15 bytes=75 marker=1\n" + ackfile("0") + ackfile("1", "1:4", wal);
  const DurabilityVerdict verdict = judge(log);
  EXPECT_EQ(verdict.outcome, Outcome::kSynced) << verdict.headline;
}

}  // namespace
}  // namespace chatkit::exercises
