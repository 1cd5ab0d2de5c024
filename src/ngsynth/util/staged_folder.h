// A folder written all or nothing: files go into a fresh temporary folder beside the
// destination, which is renamed into place once everything is there. A reader (or a run
// killed at any moment) sees the destination complete or not at all, and a failure leaves
// nothing behind.
// Used by the demo gallery and the drum kit writer.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

namespace ngsynth {

class StagedFolder {
 public:
  // Refuses, with an Error naming the path, a destination that exists and is not an empty
  // folder (a symbolic link is refused too: the rename would replace the link, not write
  // where it points). Creates the destination's parent folders and the temporary folder
  // (".NAME.tmp.PID.XXXXXXXX" beside it, mkdir'ed so the user's umask applies); temporary
  // folders of the same name left by killed runs are removed first. `what` names
  // the thing being written in messages ("gallery", "kit").
  StagedFolder(const std::filesystem::path& destination, const std::string& what);
  ~StagedFolder();  // removes the temporary folder unless committed
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;

  const std::filesystem::path& staging() const { return staging_; }    // write here
  const std::filesystem::path& destination() const { return destination_; }  // absolute

  // Calls write(staging()). An Error thrown meanwhile is thrown on with the temporary
  // folder's name in its message replaced by the destination's, so that the user reads
  // where the file was going ("kit/hihat-2.wav: write failed: ..."), not a temporary name.
  void fill(const std::function<void(const std::filesystem::path&)>& write);

  // Renames the temporary folder to the destination (rename(2) replaces an empty folder;
  // one that gained files meanwhile is an Error and stays as it is).
  void commit();

 private:
  std::filesystem::path destination_, staging_;
  std::string what_;
  bool committed_ = false;
};

}  // namespace ngsynth
