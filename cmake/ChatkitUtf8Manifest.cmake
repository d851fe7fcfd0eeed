# chatkit_add_utf8_manifests(): on Windows, embeds cmake/windows/utf8.manifest in every
# executable of the project, students' programs and tests included. The manifest makes the
# process's ANSI code page UTF-8, so that `chat-client --message "héllo ✓"` receives in argv the
# bytes that were typed, as on Linux and macOS, instead of "h?llo ?" in the machine's legacy
# code page. Call it once, after every target is defined. Elsewhere it does nothing.
if(WIN32 AND NOT MSVC)
  enable_language(RC)  # MinGW: windres compiles the resource that holds the manifest.
endif()

function(chatkit_add_utf8_manifests)
  if(NOT WIN32)
    return()
  endif()
  set(manifest ${PROJECT_SOURCE_DIR}/cmake/windows/utf8.manifest)
  if(MSVC)
    set(resource ${manifest})  # The MSVC linker merges .manifest sources into its own manifest.
  else()
    set(CHATKIT_UTF8_MANIFEST ${manifest})
    set(resource ${PROJECT_BINARY_DIR}/chatkit_utf8_manifest.rc)
    configure_file(${PROJECT_SOURCE_DIR}/cmake/windows/utf8.rc.in ${resource} @ONLY)
  endif()
  set(directories ${PROJECT_SOURCE_DIR})
  while(directories)
    list(POP_FRONT directories directory)
    get_property(targets DIRECTORY ${directory} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(target IN LISTS targets)
      get_target_property(type ${target} TYPE)
      if(type STREQUAL "EXECUTABLE")
        target_sources(${target} PRIVATE ${resource})
      endif()
    endforeach()
    get_property(subdirectories DIRECTORY ${directory} PROPERTY SUBDIRECTORIES)
    list(APPEND directories ${subdirectories})
  endwhile()
endfunction()
