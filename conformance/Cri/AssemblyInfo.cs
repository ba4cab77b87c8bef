// One private containerd serves every test; tests create pods and count processes, cgroups and
// state dirs, and time a loop: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
