"""PyInstaller's entry script: the bundle's `ReadingList` executable runs this.

Kept outside the package (PyInstaller runs its entry script as `__main__`, where the
package's relative imports would not work) and as small as possible.
"""

from readinglist.app import main

if __name__ == "__main__":
    main()
