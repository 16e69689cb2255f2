<?xml version="1.0" encoding="UTF-8"?>
<!--
  transcription.xsl: transcription and critical markup: choice and app, the
  editorial interventions (sic/corr, abbr/expan, orig/reg, add/del/subst,
  unclear, supplied, surplus), gap, damage, space and handShift.

  Rule: every reading stays in the page.  The reading not shown in the running
  text is in the tooltip (title) and in visually hidden text that screen
  readers read; deleted text is struck through, not removed.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:tei-edition:render"
  exclude-result-prefixes="tei te">

  <!-- The word for a reading, by its element. -->
  <xsl:template name="te:reading-label">
    <xsl:choose>
      <xsl:when test="self::tei:sic"><xsl:value-of select="$label-sic"/></xsl:when>
      <xsl:when test="self::tei:corr"><xsl:value-of select="$label-corr"/></xsl:when>
      <xsl:when test="self::tei:orig"><xsl:value-of select="$label-orig"/></xsl:when>
      <xsl:when test="self::tei:reg"><xsl:value-of select="$label-reg"/></xsl:when>
      <xsl:when test="self::tei:abbr"><xsl:value-of select="$label-abbr"/></xsl:when>
      <xsl:when test="self::tei:expan"><xsl:value-of select="$label-expan"/></xsl:when>
      <xsl:when test="self::tei:lem"><xsl:value-of select="$label-lem"/></xsl:when>
      <xsl:when test="self::tei:rdg or self::tei:rdgGrp"><xsl:value-of select="$label-rdg"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="$label-alternative"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- choice and app: the shown reading (see mode te:hidden in core.xsl),
       then the others in visually hidden text, "(as written: H.)"; the same
       words are the tooltip. -->
  <xsl:template match="tei:choice | tei:app">
    <xsl:variable name="tooltip">
      <xsl:for-each select="*">
        <xsl:variable name="hidden"><xsl:apply-templates select="." mode="te:hidden"/></xsl:variable>
        <xsl:if test="string($hidden)">
          <xsl:variable name="text"><xsl:apply-templates select="." mode="te:plain"/></xsl:variable>
          <xsl:text>; </xsl:text>
          <xsl:call-template name="te:reading-label"/>
          <xsl:text>: </xsl:text>
          <xsl:value-of select="normalize-space($text)"/>
        </xsl:if>
      </xsl:for-each>
    </xsl:variable>
    <xsl:call-template name="te:inline">
      <xsl:with-param name="title" select="substring-after($tooltip, '; ')"/>
      <xsl:with-param name="use-content" select="'yes'"/>
      <xsl:with-param name="content">
        <xsl:for-each select="node()">
          <xsl:variable name="hidden"><xsl:apply-templates select="." mode="te:hidden"/></xsl:variable>
          <xsl:if test="not(string($hidden)) and (self::* or normalize-space())">
            <xsl:apply-templates select="."/>
          </xsl:if>
        </xsl:for-each>
        <xsl:if test="string($tooltip)">
          <xsl:variable name="blocks"><xsl:apply-templates select="*" mode="te:blocks"/></xsl:variable>
          <xsl:element name="{substring('spandiv', 1 + 4 * boolean(string($blocks)), 4 - boolean(string($blocks)))}">
            <xsl:attribute name="class">te-visually-hidden te-alternative</xsl:attribute>
            <xsl:text> (</xsl:text>
            <xsl:for-each select="*">
              <xsl:variable name="hidden"><xsl:apply-templates select="." mode="te:hidden"/></xsl:variable>
              <xsl:if test="string($hidden)">
                <xsl:call-template name="te:reading-label"/>
                <xsl:text>: </xsl:text>
                <xsl:apply-templates select="."/>
                <xsl:variable name="later"><xsl:apply-templates select="following-sibling::*" mode="te:hidden"/></xsl:variable>
                <xsl:if test="string($later)"><xsl:text>; </xsl:text></xsl:if>
              </xsl:if>
            </xsl:for-each>
            <xsl:text>)</xsl:text>
          </xsl:element>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- The readings themselves (inside or outside choice). -->
  <xsl:template match="tei:sic | tei:corr | tei:orig | tei:reg | tei:expan | tei:ex | tei:am
      | tei:lem | tei:rdg | tei:rdgGrp | tei:seg | tei:surplus | tei:secl | tei:restore
      | tei:subst | tei:mod | tei:redo | tei:undo | tei:fw | tei:metamark">
    <xsl:call-template name="te:inline"/>
  </xsl:template>

  <xsl:template match="tei:abbr">
    <xsl:call-template name="te:inline"><xsl:with-param name="element" select="'abbr'"/></xsl:call-template>
  </xsl:template>

  <!-- add and del: <ins> and <del>, with a word for screen readers. -->
  <xsl:template match="tei:add">
    <xsl:call-template name="te:marked">
      <xsl:with-param name="element" select="'ins'"/>
      <xsl:with-param name="label" select="$label-added"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:del">
    <xsl:call-template name="te:marked">
      <xsl:with-param name="element" select="'del'"/>
      <xsl:with-param name="label" select="$label-deleted"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="te:marked">
    <xsl:param name="element"/>
    <xsl:param name="label"/>
    <xsl:call-template name="te:inline">
      <xsl:with-param name="element" select="$element"/>
      <xsl:with-param name="use-content" select="'yes'"/>
      <xsl:with-param name="content">
        <xsl:if test="string($label)">
          <span class="te-visually-hidden"><xsl:value-of select="concat('[', $label, ': ')"/></span>
        </xsl:if>
        <xsl:apply-templates/>
        <xsl:if test="string($label)">
          <span class="te-visually-hidden">]</span>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:unclear">
    <xsl:call-template name="te:inline">
      <xsl:with-param name="title">
        <xsl:call-template name="te:label-with">
          <xsl:with-param name="label" select="$label-unclear"/>
          <xsl:with-param name="detail" select="@reason"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:damage">
    <xsl:call-template name="te:inline">
      <xsl:with-param name="title">
        <xsl:call-template name="te:label-with">
          <xsl:with-param name="label" select="$label-damage"/>
          <xsl:with-param name="detail" select="@agent"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- supplied: the editor's text in visible brackets. -->
  <xsl:template match="tei:supplied">
    <xsl:call-template name="te:inline">
      <xsl:with-param name="title">
        <xsl:call-template name="te:label-with">
          <xsl:with-param name="label" select="$label-supplied"/>
          <xsl:with-param name="detail" select="@reason"/>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="use-content" select="'yes'"/>
      <xsl:with-param name="content">
        <span class="te-bracket"><xsl:value-of select="$supplied-open"/></span>
        <xsl:apply-templates/>
        <span class="te-bracket"><xsl:value-of select="$supplied-close"/></span>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- "label (detail)", or the label alone. -->
  <xsl:template name="te:label-with">
    <xsl:param name="label"/>
    <xsl:param name="detail"/>
    <xsl:value-of select="normalize-space($label)"/>
    <xsl:if test="normalize-space($detail)">
      <xsl:value-of select="concat(' (', normalize-space($detail), ')')"/>
    </xsl:if>
  </xsl:template>

  <!-- How much is missing, from @extent or @quantity/@atLeast/@atMost and
       @unit. -->
  <xsl:template name="te:extent">
    <xsl:choose>
      <xsl:when test="normalize-space(@extent)"><xsl:value-of select="normalize-space(@extent)"/></xsl:when>
      <xsl:when test="normalize-space(@quantity)">
        <xsl:value-of select="normalize-space(concat(@quantity, ' ', @unit))"/>
      </xsl:when>
      <xsl:when test="normalize-space(@atLeast) or normalize-space(@atMost)">
        <xsl:value-of select="normalize-space(concat(@atLeast, '–', @atMost, ' ', @unit))"/>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- gap: visible, "[… gap: illegible, 3 words]", with its description. -->
  <xsl:template match="tei:gap">
    <xsl:variable name="extent"><xsl:call-template name="te:extent"/></xsl:variable>
    <xsl:call-template name="te:inline">
      <xsl:with-param name="use-content" select="'yes'"/>
      <xsl:with-param name="content">
      <xsl:text>[…</xsl:text>
      <span class="te-gap-info">
        <xsl:text> </xsl:text>
        <xsl:value-of select="$label-gap"/>
        <xsl:if test="normalize-space(@reason)">
          <xsl:text>: </xsl:text>
          <span class="te-gap-reason"><xsl:value-of select="normalize-space(@reason)"/></span>
        </xsl:if>
        <xsl:if test="string($extent)">
          <xsl:text>, </xsl:text>
          <span class="te-gap-extent"><xsl:value-of select="$extent"/></span>
        </xsl:if>
      </span>
      <xsl:if test="node()[not(self::te:*)][self::* or normalize-space()]">
        <xsl:text> — </xsl:text>
        <xsl:apply-templates/>
      </xsl:if>
      <xsl:text>]</xsl:text>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- space: a visible blank, named for screen readers. -->
  <xsl:template match="tei:space">
    <xsl:variable name="extent"><xsl:call-template name="te:extent"/></xsl:variable>
    <xsl:variable name="words">
      <xsl:call-template name="te:label-with">
        <xsl:with-param name="label" select="$label-space"/>
        <xsl:with-param name="detail" select="$extent"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:call-template name="te:inline">
      <xsl:with-param name="title" select="$words"/>
      <xsl:with-param name="use-content" select="'yes'"/>
      <xsl:with-param name="content">
        <xsl:call-template name="te:hidden-text">
          <xsl:with-param name="text" select="concat('[', $words, ']')"/>
        </xsl:call-template>
        <xsl:apply-templates/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- handShift: a marker; the tooltip names the new hand (the handNote
       that @new points to, when there is one). -->
  <xsl:template match="tei:handShift">
    <xsl:variable name="hand" select="key('te:xml-id', substring-after(@new, '#'))[1]"/>
    <xsl:variable name="words">
      <xsl:value-of select="$label-hand"/>
      <xsl:choose>
        <xsl:when test="$hand">: <xsl:value-of select="normalize-space($hand)"/></xsl:when>
        <xsl:when test="@new">: <xsl:value-of select="normalize-space(@new)"/></xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:call-template name="te:inline">
      <xsl:with-param name="title" select="normalize-space($words)"/>
      <xsl:with-param name="use-content" select="'yes'"/>
      <xsl:with-param name="content">
        <xsl:call-template name="te:hidden-text">
          <xsl:with-param name="text" select="concat('[', normalize-space($words), ']')"/>
        </xsl:call-template>
        <xsl:apply-templates/>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
